"""Notifications' email sender keeps its SMTP sessions open between messages, and lets go of broken ones.

The sender talks to the real mail sink through a proxy that counts connections and can cut them.
"""
import pytest

from services.chassis.deliveries import Delivery
from services.notifications import smtp
from services.notifications.emails import compose
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


def _delivery(n: int) -> Delivery:
    payload = compose(f"message-{n}", f"reader{n}@school.test", f"Reader {n}", False, f"Number {n}",
                      [{"title": f"Number {n}", "body": "Kept.", "link": None, "sender": None}], "http://x")
    return Delivery(f"delivery-{n}", "email", payload["to"], payload)


@pytest.fixture
def proxy(mail_sink):
    proxy = TcpProxy("127.0.0.1", mail_sink.smtp_port)
    yield proxy
    proxy.close()


def _sender(proxy: TcpProxy, **overrides: object):
    settings = smtp.SmtpSettings(host="127.0.0.1", port=proxy.port, user="", password="", starttls=False,
                                 from_address="notifications@alliance.test", timeout=5, **overrides)
    return smtp.email_sender(settings)


def test_messages_share_one_session_until_the_server_hangs_up(mail_sink, proxy):
    send = _sender(proxy)
    assert [send(_delivery(n)) for n in range(5)] == [250] * 5
    assert proxy.connections == 1

    proxy.cut()  # the server's side of the idle session is gone
    proxy.restore()
    assert send(_delivery(5)) == 250
    assert proxy.connections == 2
    found = mail_sink.mailbox.wait_for(6)
    assert sorted(m["subject"] for m in found) == [f"Number {n}" for n in range(6)]


def test_a_session_is_closed_after_its_quota_and_when_idle_too_long(mail_sink, proxy, monkeypatch):
    monkeypatch.setattr(smtp, "MESSAGES_PER_SESSION", 3)
    send = _sender(proxy)
    for n in range(7):
        send(_delivery(n))
    assert proxy.connections == 3  # 3 + 3 + 1

    monkeypatch.setattr(smtp, "IDLE_SECONDS", 0.0)
    send(_delivery(7))
    assert proxy.connections == 4
    assert len(mail_sink.mailbox.wait_for(8)) == 8


def test_an_address_that_is_not_ascii_is_sent_with_smtputf8(mail_sink, proxy):
    delivery = _delivery(0)
    payload = {**delivery.payload, "to": "zoë@école.test"}
    send = _sender(proxy)
    assert send(Delivery(delivery.id, "email", payload["to"], payload)) == 250
    assert send(_delivery(1)) == 250
    assert [m["to"] for m in mail_sink.mailbox.wait_for(2)] == [["zoë@école.test"], ["reader1@school.test"]]
