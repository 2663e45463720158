"""Emails as sent (emails.to_mime): what a mail client reads back from the bytes on the wire."""
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage

from services.notifications.emails import compose, to_mime

NOTICE = {"title": "Zoë's place on Phonics £ is confirmed", "body": "Zoë Brontë's place is confirmed, at £125.50.",
          "link": "/api/v1/courses/c1", "sender": "Łódź Teaching School Hub"}


def _sent(payload: dict, from_address: str = "notify@alliance.test"):
    return message_from_bytes(to_mime(payload, from_address).as_bytes(), policy=policy.default)


def _payload(**overrides) -> dict:
    payload = compose("0b5e6c3e-0000-5000-8000-000000000002", "zoe@school.test", "Zoë Brontë", False,
                      NOTICE["title"], [NOTICE], "http://app.test")
    return {**payload, **overrides}


def test_names_subject_and_bodies_in_any_script_read_back_as_composed():
    payload = _payload()
    sent = _sent(payload)
    assert sent["Message-ID"] == "<0b5e6c3e-0000-5000-8000-000000000002@alliance.test>"
    assert sent["From"].addresses[0].display_name == "Łódź Teaching School Hub"
    assert sent["To"].addresses[0].display_name == "Zoë Brontë"
    assert sent["To"].addresses[0].addr_spec == "zoe@school.test"
    assert sent["Subject"] == NOTICE["title"] and sent["Auto-Submitted"] == "auto-generated"
    assert sent["Date"].datetime is not None
    assert sent.get_content_type() == "multipart/alternative"
    assert sent.get_body(("plain",)).get_content() == payload["text"]
    assert sent.get_body(("html",)).get_content() == payload["html"]


def test_a_line_break_in_a_subject_or_name_cannot_add_a_header():
    sent = _sent(_payload(subject="Booked\r\nBcc: everyone@school.test", to_name="Sam\nCc: x@y.test"))
    assert sent["Subject"] == "Booked Bcc: everyone@school.test"
    assert sent["Bcc"] is None and sent["Cc"] is None
    assert sent["To"].addresses[0].display_name == "Sam Cc: x@y.test"


def test_a_long_line_is_wrapped_on_the_wire_and_whole_once_read():
    text = "word " * 600 + "end"
    raw = to_mime(_payload(text=text), "notify@alliance.test").as_bytes()
    assert max(len(line) for line in raw.splitlines()) <= 78
    assert message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content() == text


def test_an_address_that_is_not_ascii_gets_a_message_smtputf8_can_carry():
    for address in ("zoe@école.test", "zoë@école.test"):
        message = to_mime(_payload(to=address), "notify@alliance.test")
        assert isinstance(message, EmailMessage)  # smtplib sends SMTPUTF8 (policy utf8) for these only
        wire = message.as_bytes(policy=message.policy.clone(utf8=True))
        sent = message_from_string(wire.decode("utf-8"), policy=policy.default)
        assert sent["To"].addresses[0].addr_spec == address and sent["Subject"] == NOTICE["title"]
        assert sent.get_body(("plain",)).get_content().rstrip("\n") == _payload()["text"].rstrip("\n")


def test_a_notice_links_to_its_page_in_the_web_app_for_people_who_can_sign_in():
    from services.notifications.emails import compose
    notice = {"title": "Booked", "body": "A place", "link": "/api/v1/bookings/b1", "sender": None}
    member = compose("m1", "a@school.test", "A", True, "Booked", [notice], "https://alliance.example")
    guest = compose("m2", "p@school.test", "P", False, "Booked", [notice], "https://alliance.example")
    assert "https://alliance.example/#/bookings/b1" in member["text"]
    assert 'href="https://alliance.example/#/bookings/b1"' in member["html"]
    assert "https://alliance.example/#/notifications/preferences" in member["text"]
    assert "/#/bookings" not in guest["text"] and "/api/v1/" not in guest["text"]
