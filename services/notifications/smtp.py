"""Sending an email through the SMTP server named by SMTP_HOST / SMTP_PORT (and optional login, STARTTLS).

Sessions are kept open between messages (``SmtpSessions``): opening one costs
a connection, the greeting, EHLO (STARTTLS, login) and a QUIT, more than
sending the message itself.
"""
import select
import smtplib
import socket
import ssl
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from services.chassis.config import float_setting, int_setting, setting
from services.chassis.deliveries import Attempt, Channel, Delivery, PermanentFailure, SendFailed
from services.chassis.transaction import Transaction
from services.notifications import events
from services.notifications.emails import to_mime


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str
    starttls: bool
    from_address: str
    timeout: float

    @classmethod
    def from_environment(cls) -> "SmtpSettings":
        return cls(
            host=setting("SMTP_HOST", "") or "127.0.0.1", port=int_setting("SMTP_PORT", 1025),
            user=setting("SMTP_USER", ""), password=setting("SMTP_PASSWORD", ""),
            starttls=setting("SMTP_STARTTLS", "0").lower() in ("1", "true", "yes"),
            from_address=setting("MAIL_FROM", "notifications@alliance-network.local"),
            timeout=float_setting("SMTP_TIMEOUT_SECONDS", 10.0),
        )


IDLE_SECONDS = 10.0  # a session unused for longer is closed, not reused: servers drop idle clients
MESSAGES_PER_SESSION = 100  # servers limit messages per connection; below the usual limits


@dataclass
class _Session:
    smtp: smtplib.SMTP
    sent: int = 0
    idle_since: float = 0.0


class SmtpSessions:
    """Open SMTP sessions between messages, one per send under way at most.

    A session is reused, oldest first, while it has been idle less than
    IDLE_SECONDS and its socket has nothing to read (a server that hung up, or
    said 421, leaves it readable). An error during a send closes it; so does
    its MESSAGES_PER_SESSION-th message, with QUIT.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.local_hostname = socket.getfqdn()  # smtplib would look it up for every connection
        self._idle: deque[_Session] = deque()

    @contextmanager
    def session(self) -> Iterator[smtplib.SMTP]:
        session = self._reusable() or self._open()
        try:
            yield session.smtp
        except BaseException:
            session.smtp.close()
            raise
        session.sent += 1
        if session.sent >= MESSAGES_PER_SESSION:
            try:
                session.smtp.quit()
            except (smtplib.SMTPException, OSError):
                session.smtp.close()
        else:
            session.idle_since = time.monotonic()
            self._idle.append(session)

    def _reusable(self) -> _Session | None:
        while self._idle:
            session = self._idle.popleft()
            sock = session.smtp.sock
            if (time.monotonic() - session.idle_since < IDLE_SECONDS and sock is not None
                    and not select.select([sock], [], [], 0)[0]):
                return session
            session.smtp.close()
        return None

    def _open(self) -> _Session:
        settings = self.settings
        server = smtplib.SMTP(settings.host, settings.port, local_hostname=self.local_hostname,
                              timeout=settings.timeout)
        try:
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password)
        except BaseException:
            server.close()
            raise
        return _Session(server)


def email_sender(settings: SmtpSettings) -> Callable[[Delivery], int]:
    """The email channel's send, on a kept-open session; the server's code is the result."""
    sessions = SmtpSessions(settings)

    def send(delivery: Delivery) -> int:
        message = to_mime(delivery.payload, settings.from_address)
        try:
            with sessions.session() as server:
                server.send_message(message, to_addrs=[delivery.payload["to"]])
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            error = PermanentFailure if 500 <= code < 600 else SendFailed
            raise error(f"the server refused the recipient ({code})", code) from None
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(f"the server answered {exc.smtp_code}", exc.smtp_code) from None
        return 250
    return send


def _after(tx: Transaction, attempt: Attempt) -> None:
    if not attempt.sent and attempt.final:
        events.emit(tx, "notification_failed", {
            "delivery_id": attempt.delivery.id, "channel": "email", "webhook_id": None, "alliance_id": None,
            "event_type": None, "attempts": attempt.delivery.attempt, "last_error": attempt.error,
            "last_response_code": attempt.response_code,
        })


def channel() -> Channel:
    """The email channel, its settings read as the container starts (first retry after EMAIL_FIRST_RETRY_SECONDS)."""
    return Channel(send=email_sender(SmtpSettings.from_environment()),
                   first_retry=float_setting("EMAIL_FIRST_RETRY_SECONDS", 10.0), after=_after)
