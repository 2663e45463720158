"""The local mail sink: an SMTP server that keeps every message it is sent, and shows them over HTTP.

``make up`` runs it when ``SMTP_HOST`` is not set (docker-compose.yml's
``mailsink``), so the notifications' email lands here instead of nowhere.
Every message is accepted and written to ``MAIL_SINK_DIR`` as ``<id>.eml``:
its first line is a header of the sink's own, ``X-Mail-Sink-Envelope``, a JSON
object with the SMTP envelope (``from``, ``to``) and ``received_at``; the rest
is the message exactly as received. The files are loaded again at start, so
the mailbox outlives restarts.

HTTP, on ``MAIL_SINK_HTTP_PORT``:

    GET /health               {"status": "ok", "messages": N}
    GET /messages[?to=addr]   every message, newest last (to: an envelope recipient, any case)
    GET /messages/{id}        one message, with "raw", its source as received
    GET /messages/{id}/text   its text/plain part (or its HTML source), for reading in a browser
    DELETE /messages          forget every message, files too: 204
    GET /                     the mailbox as a page

Settings: ``MAIL_SINK_HOST`` (127.0.0.1), ``MAIL_SINK_SMTP_PORT`` (1025),
``MAIL_SINK_HTTP_PORT`` (8025), ``MAIL_SINK_DIR`` (``.run/mail``), ``LOG_LEVEL``,
``MAIL_SINK_ANSWER_DELAY_SECONDS`` (0: a slow server, which keeps each message
and then waits this long before its 250, so that a sender killed meanwhile has
delivered a message it never saw accepted).

    python -m deploy.mail_sink
"""

from __future__ import annotations

import asyncio
import email
import email.message
import email.policy
import html
import json
import logging
import os
import re
import secrets
import signal
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("deploy.mail_sink")

ENVELOPE_HEADER = b"X-Mail-Sink-Envelope: "
REQUEST_HEAD_LIMIT = 16 * 1024
REQUEST_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Settings:
    host: str
    smtp_port: int
    http_port: int
    directory: Path
    answer_delay: float = 0.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            host=env.get("MAIL_SINK_HOST") or "127.0.0.1",
            smtp_port=int(env.get("MAIL_SINK_SMTP_PORT") or 1025),
            http_port=int(env.get("MAIL_SINK_HTTP_PORT") or 8025),
            directory=Path(env.get("MAIL_SINK_DIR") or ".run/mail"),
            answer_delay=float(env.get("MAIL_SINK_ANSWER_DELAY_SECONDS") or 0),
        )


# --- messages ----------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What the mailbox keeps in memory of one message; its source stays in its file."""

    id: str
    message_id: str | None
    sender: str | None
    to: list[str]
    subject: str | None
    received_at: str
    text: str | None
    html: str | None
    size: int

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "message_id": self.message_id, "from": self.sender, "to": self.to,
            "subject": self.subject, "received_at": self.received_at, "text": self.text, "html": self.html,
        }


def _header(message: email.message.EmailMessage, name: str) -> str | None:
    try:
        value = message[name]
    except Exception:  # a malformed header is kept in the source, not refused
        return None
    return None if value is None else str(value)


def _body(message: email.message.EmailMessage, subtype: str) -> str | None:
    try:
        part = message.get_body(preferencelist=(subtype,))
        return None if part is None else part.get_content().replace("\r\n", "\n")
    except Exception:  # an unknown charset or broken encoding: the source still has it
        return None


def _parse(message_id: str, envelope: dict, raw: bytes) -> Stored:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return Stored(
        id=message_id,
        message_id=_header(message, "Message-ID"),
        sender=_header(message, "From") or envelope["from"],
        to=list(envelope["to"]),
        subject=_header(message, "Subject"),
        received_at=envelope["received_at"],
        text=_body(message, "plain"),
        html=_body(message, "html"),
        size=len(raw),
    )


def _split_file(content: bytes) -> tuple[dict, bytes]:
    """The envelope and the message source of a stored file."""
    first, _, raw = content.partition(b"\r\n")
    if not first.startswith(ENVELOPE_HEADER):
        raise ValueError("no envelope line")
    return json.loads(first[len(ENVELOPE_HEADER):]), raw


class MailStore:
    """Messages in memory (the index the HTTP side reads) and in ``<directory>/<id>.eml``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._messages: dict[str, Stored] = {}

    def __len__(self) -> int:
        return len(self._messages)

    def load(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for leftover in self.directory.glob(".*.eml.tmp"):
            leftover.unlink(missing_ok=True)
        for path in sorted(self.directory.glob("*.eml")):
            try:
                envelope, raw = _split_file(path.read_bytes())
                self._messages[path.stem] = _parse(path.stem, envelope, raw)
            except (OSError, ValueError) as error:
                log.warning("skipped %s: %s", path.name, error)

    async def add(self, mail_from: str | None, rcpt_tos: list[str], raw: bytes) -> Stored:
        now = datetime.now(timezone.utc)
        message_id = f"{now:%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(4)}"
        envelope = {"from": mail_from, "to": rcpt_tos, "received_at": now.isoformat()}
        stored = await asyncio.to_thread(self._write, message_id, envelope, raw)
        self._messages[message_id] = stored
        return stored

    def _write(self, message_id: str, envelope: dict, raw: bytes) -> Stored:
        line = ENVELOPE_HEADER + json.dumps(envelope).encode() + b"\r\n"
        temporary = self.directory / f".{message_id}.eml.tmp"
        temporary.write_bytes(line + raw)
        temporary.replace(self.directory / f"{message_id}.eml")
        return _parse(message_id, envelope, raw)

    def messages(self, to: str | None = None) -> list[Stored]:
        found = sorted(self._messages.values(), key=lambda stored: stored.id)
        if to is None:
            return found
        wanted = to.casefold()
        return [stored for stored in found if any(rcpt.casefold() == wanted for rcpt in stored.to)]

    def get(self, message_id: str) -> Stored | None:
        return self._messages.get(message_id)

    async def raw(self, stored: Stored) -> bytes:
        content = await asyncio.to_thread((self.directory / f"{stored.id}.eml").read_bytes)
        return _split_file(content)[1]

    async def clear(self) -> None:
        # Only the files of indexed messages: one still being written is indexed after, as arrived after.
        gone = list(self._messages)
        self._messages.clear()

        def unlink() -> None:
            for message_id in gone:
                (self.directory / f"{message_id}.eml").unlink(missing_ok=True)

        await asyncio.to_thread(unlink)


# --- SMTP --------------------------------------------------------------------


class SinkHandler:
    """aiosmtpd handler: every recipient and every message is accepted and stored."""

    def __init__(self, store: MailStore, answer_delay: float = 0.0) -> None:
        self.store = store
        self.answer_delay = answer_delay

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        stored = await self.store.add(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or b"")
        log.info("stored message %s (%d bytes)", stored.id, stored.size)
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return f"250 OK stored as {stored.id}"


def smtp_protocol(store: MailStore, answer_delay: float = 0.0) -> SMTP:
    return SMTP(SinkHandler(store, answer_delay), hostname="mail-sink", enable_SMTPUTF8=True)


# --- HTTP --------------------------------------------------------------------

Response = tuple[HTTPStatus, str, bytes]
_ONE = re.compile(r"/messages/([^/]+)(/text)?")


def _json(status: HTTPStatus, body: object) -> Response:
    return status, "application/json", json.dumps(body).encode()


def _problem(status: HTTPStatus, detail: str) -> Response:
    body = {"type": "about:blank", "title": status.phrase, "status": status.value, "detail": detail}
    return status, "application/problem+json", json.dumps(body).encode()


def _page(store: MailStore) -> Response:
    rows = "".join(
        f"<tr><td>{html.escape(stored.received_at)}</td><td>{html.escape(', '.join(stored.to))}</td>"
        f'<td><a href="/messages/{html.escape(stored.id)}/text">{html.escape(stored.subject or "(no subject)")}</a>'
        f"</td></tr>\n"
        for stored in reversed(store.messages())
    )
    page = (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Local mailbox</title></head><body>\n"
        f"<h1>Local mailbox: {len(store)} messages</h1>\n"
        "<p>Newest first. JSON: <a href=\"/messages\">/messages</a>; files: <code>MAIL_SINK_DIR</code>.</p>\n"
        f"<table><tr><th>received</th><th>to</th><th>subject</th></tr>\n{rows}</table>\n</body></html>\n"
    )
    return HTTPStatus.OK, "text/html; charset=utf-8", page.encode()


async def route(store: MailStore, method: str, target: str) -> Response:
    path, _, query = target.partition("?")
    if path in ("/", "/health") and method != "GET":
        return _problem(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} {path}: GET only")
    if path == "/health":
        return _json(HTTPStatus.OK, {"status": "ok", "messages": len(store)})
    if path == "/":
        return _page(store)
    if path == "/messages":
        if method == "GET":
            to = parse_qs(query).get("to", [None])[0]
            return _json(HTTPStatus.OK, [stored.as_json() for stored in store.messages(to)])
        if method == "DELETE":
            await store.clear()
            return HTTPStatus.NO_CONTENT, "", b""
        return _problem(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} {path}: GET or DELETE")
    one = _ONE.fullmatch(path)
    if one is None:
        return _problem(HTTPStatus.NOT_FOUND, f"no {path} here")
    if method != "GET":
        return _problem(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} {path}: GET only")
    stored = store.get(one[1])
    if stored is None:
        return _problem(HTTPStatus.NOT_FOUND, f"no message {one[1]}")
    if one[2]:
        return HTTPStatus.OK, "text/plain; charset=utf-8", (stored.text or stored.html or "").encode()
    raw = await store.raw(stored)
    return _json(HTTPStatus.OK, {**stored.as_json(), "raw": raw.decode("utf-8", errors="replace")})


async def serve_http(store: MailStore, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One request per connection (``Connection: close``); a request's body, if any, is ignored."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT_SECONDS)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
        writer.close()
        return
    request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    if len(request_line) != 3:
        status, content_type, body = _problem(HTTPStatus.BAD_REQUEST, "malformed request line")
    else:
        try:
            status, content_type, body = await route(store, request_line[0], request_line[1])
        except (OSError, ValueError) as error:  # a file removed or edited by hand
            status, content_type, body = _problem(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
    headers = [
        f"HTTP/1.1 {status.value} {status.phrase}", f"Content-Length: {len(body)}", "Connection: close",
        "X-Content-Type-Options: nosniff", "Content-Security-Policy: default-src 'none'",
    ]
    if content_type:
        headers.append(f"Content-Type: {content_type}")
    writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
    try:
        await writer.drain()
    except ConnectionError:
        pass
    writer.close()


# --- the process -------------------------------------------------------------


async def run(settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT."""
    store = MailStore(settings.directory)
    store.load()
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: smtp_protocol(store, settings.answer_delay), settings.host,
                                    settings.smtp_port, reuse_address=True)
    web = await asyncio.start_server(lambda reader, writer: serve_http(store, reader, writer),
                                     settings.host, settings.http_port, reuse_address=True,
                                     limit=REQUEST_HEAD_LIMIT)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("SMTP on %s:%d, mailbox on http://%s:%d/, %d messages in %s", settings.host, settings.smtp_port,
             settings.host, settings.http_port, len(store), settings.directory)
    await stop.wait()
    for server in (smtp, web):
        server.close()
        await server.wait_closed()
    log.info("stopped")


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL") or "INFO",
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each sender and recipient at INFO
    asyncio.run(run(Settings.from_env()))


if __name__ == "__main__":
    main()
