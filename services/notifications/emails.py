"""Emails composed from notices with the Jinja2 templates: plain text and HTML, a stable Message-ID."""
import uuid
from email.charset import QP, Charset
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html.j2"]), undefined=StrictUndefined,
                        trim_blocks=True, lstrip_blocks=True)
MESSAGE_IDS = uuid.UUID("5c1c43f5-7a0a-4d5e-9b38-6f3c1a8b2e11")
PLATFORM = "Alliance Network"
FOOTER_USER = ("You receive this because of your role in {platform}. Choose immediate emails, a daily "
               "summary or none: {link_base}/#/notifications/preferences")
FOOTER_GUEST = "You receive this because you were named on a booking or deployment in {platform}."


def message_id_for(recipient: str, key: str) -> str:
    """The same id for the same recipient and event (or merged batch), on every try."""
    return str(uuid.uuid5(MESSAGE_IDS, f"{recipient.lower()}|{key}"))


def page_of(link: str | None, has_account: bool) -> str | None:
    """The web app's page for a notice's API link (``/api/v1/courses/c1`` → ``/#/courses/c1``); none for
    someone without an account to sign in with."""
    if not link or not has_account:
        return None
    return "/#/" + link.removeprefix("/api/v1/").lstrip("/")


def compose(message_id: str, recipient: str, name: str, has_account: bool, subject: str,
            notices: list[dict], link_base: str, intro: str | None = None) -> dict:
    """A delivery payload: everything needed to send it again identically."""
    senders = {n.get("sender") for n in notices}
    notices = [{**n, "page": page_of(n.get("link"), has_account)} for n in notices]
    context = {"name": name, "subject": subject, "notices": notices, "intro": intro, "link_base": link_base,
               "footer": (FOOTER_USER if has_account else FOOTER_GUEST).format(platform=PLATFORM,
                                                                                link_base=link_base)}
    return {
        "message_id": message_id, "to": recipient, "to_name": name, "subject": subject,
        "from_name": senders.pop() if len(senders) == 1 and None not in senders else PLATFORM,
        "text": TEMPLATES.get_template("email.txt.j2").render(context),
        "html": TEMPLATES.get_template("email.html.j2").render(context),
    }


UTF8_QP = Charset("utf-8")
UTF8_QP.body_encoding = QP  # readable, and lines wrapped whatever the text


def to_mime(payload: dict, from_address: str) -> Message:
    """The email as sent: plain text and HTML alternatives.

    Built with the email package's compat32 classes, several times cheaper to
    build and send than an EmailMessage, whose header parsing and folding were
    most of a send's cost. An address that is not ASCII needs SMTPUTF8, which
    smtplib sends only for an EmailMessage."""
    if not (payload["to"].isascii() and from_address.isascii()):
        return _international(payload, from_address)
    message = MIMEMultipart("alternative")
    for name, value in _headers(payload, from_address):
        message[name] = value
    message["From"] = formataddr((_one_line(payload["from_name"]), from_address), charset="utf-8")
    message["To"] = formataddr((_one_line(payload["to_name"] or ""), payload["to"]), charset="utf-8")
    subject = _one_line(payload["subject"])
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    message.attach(MIMEText(payload["text"], "plain", UTF8_QP))
    message.attach(MIMEText(payload["html"], "html", UTF8_QP))
    return message


def _international(payload: dict, from_address: str) -> EmailMessage:
    message = EmailMessage()
    for name, value in _headers(payload, from_address):
        message[name] = value
    message["From"] = _address(payload["from_name"], from_address)
    message["To"] = _address(payload["to_name"] or "", payload["to"])
    message["Subject"] = _one_line(payload["subject"])
    message.set_content(payload["text"])
    message.add_alternative(payload["html"], subtype="html")
    return message


def _address(name: str, address: str) -> Address:
    # From its parts: as one addr_spec, a local part that is not ASCII is refused (NonASCIILocalPartDefect).
    username, _, domain = address.rpartition("@")
    return Address(display_name=_one_line(name), username=username, domain=domain)


def _headers(payload: dict, from_address: str) -> list[tuple[str, str]]:
    domain = from_address.rpartition("@")[2] or "alliance-network.local"
    return [("Message-ID", f"<{payload['message_id']}@{domain}>"), ("Date", formatdate(localtime=False)),
            ("Auto-Submitted", "auto-generated")]


def _one_line(value: str) -> str:
    """A header's text: a line break in a title or a name would end the header (or start another)."""
    return " ".join(value.split())
