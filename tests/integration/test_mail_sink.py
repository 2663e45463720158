"""The local mail sink (deploy/mail_sink.py), a real process: sent with smtplib, read back over HTTP."""
import email
import email.policy
import smtplib
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import requests

from tests.mailbox import MailSink

pytestmark = pytest.mark.integration

SUBJECT = "Réservation confirmée — Łódź ✓"
TEXT = "Bonjour Zoë,\n\nvotre place est réservée. 日本語も大丈夫。\n"
HTML = "<p>Bonjour <b>Zoë</b>, votre place est réservée. 日本語も大丈夫。</p>\n"


def _message(subject: str, to: str = "office@school.test", html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Alliance Network <noreply@alliance.test>"
    message["To"] = to
    message["Message-ID"] = make_msgid(domain="alliance.test")
    message.set_content(TEXT)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _send(port: int, message: EmailMessage, to_addrs: list[str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message, to_addrs=to_addrs)


def test_a_multipart_message_in_any_script_to_two_recipients_reads_back_whole(mail_sink):
    sent = _message(SUBJECT, to="Zoë <zoe@school.test>, office@school.test", html=HTML)
    _send(mail_sink.smtp_port, sent, ["zoe@school.test", "office@school.test"])

    [listed] = mail_sink.mailbox.wait_for(1)
    assert listed["to"] == ["zoe@school.test", "office@school.test"]
    assert listed["from"] == "Alliance Network <noreply@alliance.test>"
    assert listed["subject"] == SUBJECT
    assert listed["message_id"] == sent["Message-ID"]
    assert listed["text"] == TEXT and listed["html"] == HTML
    assert listed["received_at"].startswith(time.strftime("%Y-", time.gmtime()))

    one = mail_sink.mailbox.message(listed["id"])
    assert {key: value for key, value in one.items() if key != "raw"} == listed
    source = email.message_from_string(one["raw"], policy=email.policy.default)
    assert source["Message-ID"] == sent["Message-ID"] and str(source["Subject"]) == SUBJECT

    [stored] = list(mail_sink.directory.glob("*.eml"))
    assert stored.stem == listed["id"]
    from_file = email.message_from_bytes(stored.read_bytes(), policy=email.policy.default)
    assert from_file.get_body(("plain",)).get_content().replace("\r\n", "\n") == TEXT

    readable = requests.get(f"{mail_sink.mailbox.base_url}/messages/{listed['id']}/text", timeout=5)
    assert readable.headers["Content-Type"] == "text/plain; charset=utf-8" and readable.text == TEXT


def test_a_plain_message_has_no_html_and_an_unknown_one_is_a_404_problem(mail_sink):
    _send(mail_sink.smtp_port, _message("Plain only"))
    [listed] = mail_sink.mailbox.wait_for(1)
    assert listed["text"] == TEXT and listed["html"] is None

    missing = requests.get(f"{mail_sink.mailbox.base_url}/messages/20000101T000000000000Z-00000000", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json" and missing.json()["status"] == 404


def test_health_counts_the_messages(mail_sink):
    health = requests.get(f"{mail_sink.mailbox.base_url}/health", timeout=5)
    assert health.status_code == 200 and health.json() == {"status": "ok", "messages": 0}
    _send(mail_sink.smtp_port, _message("One"))
    mail_sink.mailbox.wait_for(1)
    assert requests.get(f"{mail_sink.mailbox.base_url}/health", timeout=5).json() == {"status": "ok", "messages": 1}


def test_to_filters_by_envelope_recipient_in_any_case(mail_sink):
    _send(mail_sink.smtp_port, _message("For Ann"), ["Ann@School.test"])
    _send(mail_sink.smtp_port, _message("For Bob"), ["bob@school.test"])
    _send(mail_sink.smtp_port, _message("For both"), ["ann@school.test", "bob@school.test"])
    mail_sink.mailbox.wait_for(3)

    assert [m["subject"] for m in mail_sink.mailbox.messages(to="ANN@school.TEST")] == ["For Ann", "For both"]
    assert [m["subject"] for m in mail_sink.mailbox.messages(to="bob@school.test")] == ["For Bob", "For both"]
    assert mail_sink.mailbox.messages(to="carol@school.test") == []
    assert [m["subject"] for m in mail_sink.mailbox.wait_for(1, to="bob@school.test")] == ["For Bob", "For both"]


def test_messages_survive_a_restart_and_the_smtp_port_is_refused_meanwhile(mail_sink):
    for subject in ("First", "Second"):
        _send(mail_sink.smtp_port, _message(subject, html=HTML))
    before = mail_sink.mailbox.wait_for(2)

    with smtplib.SMTP("127.0.0.1", mail_sink.smtp_port, timeout=10) as idle:
        idle.ehlo()
        assert mail_sink.stop() == 0  # SIGTERM, with a client connected
        with pytest.raises(smtplib.SMTPServerDisconnected):
            idle.noop()
    with pytest.raises(ConnectionRefusedError):
        _send(mail_sink.smtp_port, _message("Lost"))
    mail_sink.start()

    assert mail_sink.mailbox.messages() == before
    assert [m["subject"] for m in before] == ["First", "Second"]
    _send(mail_sink.smtp_port, _message("Third"))
    assert [m["subject"] for m in mail_sink.mailbox.wait_for(3)] == ["First", "Second", "Third"]


def test_delete_forgets_every_message_in_memory_and_on_disk(mail_sink):
    for subject in ("One", "Two"):
        _send(mail_sink.smtp_port, _message(subject))
    mail_sink.mailbox.wait_for(2)

    cleared = requests.delete(f"{mail_sink.mailbox.base_url}/messages", timeout=5)
    assert cleared.status_code == 204
    assert mail_sink.mailbox.messages() == [] and list(mail_sink.directory.iterdir()) == []
    mail_sink.stop()
    mail_sink.start()
    assert mail_sink.mailbox.messages() == []


def test_the_page_lists_subjects_escaped_and_links_each_text(mail_sink):
    _send(mail_sink.smtp_port, _message("<script>alert(1)</script> Booking"))
    [listed] = mail_sink.mailbox.wait_for(1)

    page = requests.get(f"{mail_sink.mailbox.base_url}/", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Booking" in page.text and "<script>" not in page.text
    assert f'href="/messages/{listed["id"]}/text"' in page.text and "office@school.test" in page.text


def test_the_log_names_each_message_by_id_and_size_and_no_address(mail_sink):
    _send(mail_sink.smtp_port, _message("Private", to="private.person@school.test"))
    [listed] = mail_sink.mailbox.wait_for(1)
    mail_sink.stop()

    log = mail_sink.log()
    assert f"stored message {listed['id']} (" in log
    assert "private.person" not in log and "noreply" not in log and "Private" not in log


def test_a_burst_of_300_messages_from_10_senders_all_arrive(mail_sink):
    failures: list[BaseException] = []

    def sender(number: int) -> None:
        try:
            for index in range(30):  # a connection each, as a sender that does not keep one open
                _send(mail_sink.smtp_port, _message(f"burst {number}-{index}", to=f"sender{number}@school.test"))
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=sender, args=(number,)) for number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    sent_in = time.monotonic() - started
    assert failures == []

    found = mail_sink.mailbox.wait_for(300, timeout=30)
    assert sorted(m["subject"] for m in found) == sorted(f"burst {n}-{i}" for n in range(10) for i in range(30))
    assert len({m["id"] for m in found}) == 300 and len(list(mail_sink.directory.glob("*.eml"))) == 300
    assert len(mail_sink.mailbox.messages(to="sender7@school.test")) == 30
    assert sent_in < 15, f"300 messages took {sent_in:.1f}s"


def test_a_slow_sink_keeps_the_message_before_its_late_answer(tmp_path):
    sink = MailSink(tmp_path / "mail", tmp_path / "mail-sink.log", {"MAIL_SINK_ANSWER_DELAY_SECONDS": "1.5"})
    sink.start()
    try:
        answered = threading.Event()

        def send() -> None:
            _send(sink.smtp_port, _message("Slow"))
            answered.set()

        started = time.monotonic()
        sender = threading.Thread(target=send)
        sender.start()
        [kept] = sink.mailbox.wait_for(1, timeout=5)
        assert kept["subject"] == "Slow" and not answered.is_set()
        sender.join(10)
        assert answered.is_set() and time.monotonic() - started >= 1.5
    finally:
        sink.kill()
