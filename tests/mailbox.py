"""The local mail sink seen from the tests: ``Mailbox`` reads it over HTTP, ``MailSink`` runs one."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import requests

ROOT = Path(__file__).resolve().parents[1]


class Mailbox:
    """A client of deploy/mail_sink.py's HTTP side: what it has received, newest last."""

    def __init__(self, base_url: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def messages(self, to: str | None = None) -> list[dict]:
        """Every message, or those with ``to`` among their envelope recipients (any case)."""
        answer = requests.get(f"{self.base_url}/messages", params={"to": to} if to else None, timeout=self.timeout)
        answer.raise_for_status()
        return answer.json()

    def message(self, message_id: str) -> dict:
        """One message with its source (``raw``)."""
        answer = requests.get(f"{self.base_url}/messages/{message_id}", timeout=self.timeout)
        answer.raise_for_status()
        return answer.json()

    def clear(self) -> None:
        requests.delete(f"{self.base_url}/messages", timeout=self.timeout).raise_for_status()

    def wait_for(self, predicate_or_count: Callable[[list[dict]], object] | int, timeout: float = 10,
                 to: str | None = None) -> list[dict]:
        """Poll until there are at least that many messages (for ``to``, if given), or the predicate
        holds for the list; return the list. Fail after ``timeout`` seconds."""
        def enough(found: list[dict]) -> bool:
            return len(found) >= predicate_or_count

        condition = enough if isinstance(predicate_or_count, int) else predicate_or_count
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(to)
            if condition(found):
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"mailbox: condition not met within {timeout}s ({len(found)} messages)")
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """``python -m deploy.mail_sink`` on its own ports and directory; ``stop`` and ``start`` keep both."""

    def __init__(self, directory: Path, log_path: Path, env: dict[str, str] | None = None) -> None:
        self.directory = directory
        self.log_path = log_path
        self.env = env or {}
        self.smtp_port = free_port()
        self.http_port = free_port()
        self.mailbox = Mailbox(f"http://127.0.0.1:{self.http_port}")
        self._process: subprocess.Popen | None = None

    def start(self, timeout: float = 15) -> None:
        env = {**os.environ, **self.env, "MAIL_SINK_HOST": "127.0.0.1", "MAIL_SINK_SMTP_PORT": str(self.smtp_port),
               "MAIL_SINK_HTTP_PORT": str(self.http_port), "MAIL_SINK_DIR": str(self.directory)}
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen([sys.executable, "-m", "deploy.mail_sink"], cwd=ROOT, env=env,
                                             stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"the mail sink exited with {self._process.returncode}:\n{self.log()}")
            try:
                if requests.get(f"{self.mailbox.base_url}/health", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the mail sink did not answer /health within {timeout}s:\n{self.log()}")
            time.sleep(0.1)

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM and wait; the exit code."""
        process, self._process = self._process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout)

    def kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
