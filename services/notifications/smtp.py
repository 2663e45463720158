"""Sending an email through the SMTP server named by SMTP_HOST / SMTP_PORT (and optional login, STARTTLS)."""
import smtplib
import ssl
from dataclasses import dataclass
from typing import Callable

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


def email_sender(settings: SmtpSettings) -> Callable[[Delivery], int]:
    """The email channel's send: one SMTP session per message; the server's code is the result."""
    def send(delivery: Delivery) -> int:
        message = to_mime(delivery.payload, settings.from_address)
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as server:
                if settings.starttls:
                    server.starttls(context=ssl.create_default_context())
                if settings.user:
                    server.login(settings.user, settings.password)
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
