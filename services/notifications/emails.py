"""Emails composed from notices with the Jinja2 templates: plain text and HTML, a stable Message-ID."""
import uuid
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html.j2"]), undefined=StrictUndefined,
                        trim_blocks=True, lstrip_blocks=True)
MESSAGE_IDS = uuid.UUID("5c1c43f5-7a0a-4d5e-9b38-6f3c1a8b2e11")
PLATFORM = "Alliance Network"
FOOTER_USER = ("You receive this because of your role in {platform}. Choose immediate emails, a daily "
               "summary or none: PUT /api/v1/notification-preferences.")
FOOTER_GUEST = "You receive this because you were named on a booking or deployment in {platform}."


def message_id_for(recipient: str, key: str) -> str:
    """The same id for the same recipient and event (or merged batch), on every try."""
    return str(uuid.uuid5(MESSAGE_IDS, f"{recipient.lower()}|{key}"))


def compose(message_id: str, recipient: str, name: str, has_account: bool, subject: str,
            notices: list[dict], link_base: str, intro: str | None = None) -> dict:
    """A delivery payload: everything needed to send it again identically."""
    senders = {n.get("sender") for n in notices}
    context = {"name": name, "subject": subject, "notices": notices, "intro": intro, "link_base": link_base,
               "footer": (FOOTER_USER if has_account else FOOTER_GUEST).format(platform=PLATFORM)}
    return {
        "message_id": message_id, "to": recipient, "to_name": name, "subject": subject,
        "from_name": senders.pop() if len(senders) == 1 and None not in senders else PLATFORM,
        "text": TEMPLATES.get_template("email.txt.j2").render(context),
        "html": TEMPLATES.get_template("email.html.j2").render(context),
    }


def to_mime(payload: dict, from_address: str) -> EmailMessage:
    domain = from_address.rpartition("@")[2] or "alliance-network.local"
    message = EmailMessage()
    message["Message-ID"] = f"<{payload['message_id']}@{domain}>"
    message["Date"] = formatdate(localtime=False)
    message["From"] = formataddr((payload["from_name"], from_address))
    message["To"] = Address(display_name=payload["to_name"] or "", addr_spec=payload["to"])
    message["Subject"] = payload["subject"]
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(payload["text"])
    message.add_alternative(payload["html"], subtype="html")
    return message
