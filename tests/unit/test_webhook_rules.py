"""Webhook rules without a broker or database: signatures, which targets are refused, the retry schedule."""
import json
import socket
import time

import pytest
import requests

from services.notifications import webhook_delivery
from services.notifications.signing import TOLERANCE_SECONDS, new_secret, signature, verify
from services.notifications.webhook_targets import why_refused
from tests.webhook_receiver import WebhookReceiver

BODY = json.dumps({"event_type": "course_published", "timestamp": 1_700_000_000}).encode()
SENT_AT = 1_700_000_000


def test_a_signature_made_with_the_secret_verifies():
    secret = new_secret()
    header = signature(secret, BODY)
    assert header.startswith("sha256=") and len(header) == len("sha256=") + 64
    assert verify(secret, BODY, header, SENT_AT, now=SENT_AT + 5)


def test_a_tampered_body_a_wrong_secret_or_no_signature_does_not_verify():
    secret = new_secret()
    header = signature(secret, BODY)
    assert not verify(secret, BODY.replace(b"course_published", b"course_cancelled"), header, SENT_AT, SENT_AT)
    assert not verify(new_secret(), BODY, header, SENT_AT, SENT_AT)
    assert not verify(secret, BODY, "", SENT_AT, SENT_AT)
    assert not verify(secret, BODY, header.upper(), SENT_AT, SENT_AT)


def test_an_old_or_far_future_timestamp_does_not_verify():
    secret = new_secret()
    header = signature(secret, BODY)
    assert verify(secret, BODY, header, SENT_AT, now=SENT_AT + TOLERANCE_SECONDS)
    assert not verify(secret, BODY, header, SENT_AT, now=SENT_AT + TOLERANCE_SECONDS + 1)
    assert not verify(secret, BODY, header, SENT_AT, now=SENT_AT - TOLERANCE_SECONDS - 1)


def test_each_secret_is_new():
    assert len({new_secret() for _ in range(50)}) == 50


def resolving(table: dict[str, list[str]]):
    """A resolver answering from ``table``; a name not in it does not resolve."""
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]
    return resolve


NOT_PUBLIC = ["127.0.0.1", "::1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
              "0.0.0.0", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "224.0.0.1"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_a_name_resolving_to_a_loopback_private_reserved_or_multicast_address_is_refused(address):
    reason = why_refused("https://hooks.example.org/in", False, resolving({"hooks.example.org": [address]}))
    assert reason == "hooks.example.org resolves to a loopback, private or reserved address"


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_such_an_address_written_in_the_url_is_refused(address):
    host = f"[{address}]" if ":" in address else address
    assert why_refused(f"http://{host}:8080/in", False, resolving({address: [address]}))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_a_public_address_is_allowed(address):
    assert why_refused("https://hooks.example.org/in", False, resolving({"hooks.example.org": [address]})) is None


def test_a_name_with_one_public_and_one_private_address_is_refused():
    both = resolving({"hooks.example.org": ["93.184.216.34", "10.1.2.3"]})
    assert why_refused("https://hooks.example.org/in", False, both)


def test_the_resolver_is_asked_for_the_urls_host_and_port():
    asked = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["93.184.216.34"]
    for url in ("https://Hooks.Example.org/in", "http://hooks.example.org/in", "http://hooks.example.org:8443/"):
        assert why_refused(url, False, resolve) is None
    assert asked == [("hooks.example.org", 443), ("hooks.example.org", 80), ("hooks.example.org", 8443)]


@pytest.mark.parametrize("url", ["ftp://hooks.example.org/in", "file:///etc/passwd", "javascript:alert(1)",
                                 "gopher://hooks.example.org/", "hooks.example.org/in"])
def test_only_http_and_https_urls(url):
    public = resolving({"hooks.example.org": ["93.184.216.34"]})
    assert why_refused(url, False, public) == "only http and https URLs"
    assert why_refused(url, True, public) == "only http and https URLs"


@pytest.mark.parametrize("url", ["https://user:password@hooks.example.org/in", "https://user@hooks.example.org/in",
                                 "https://:password@hooks.example.org/in"])
def test_a_user_or_password_in_the_url_is_refused(url):
    reason = why_refused(url, True, resolving({"hooks.example.org": ["93.184.216.34"]}))
    assert reason and "no user or password" in reason


@pytest.mark.parametrize("url", ["https:///in", "http://", "https://:443/in"])
def test_a_url_without_a_host_is_refused(url):
    assert why_refused(url, True, resolving({})) == "the URL has no host"


def test_a_bad_port_is_not_a_url():
    assert why_refused("https://hooks.example.org:99999/in", True, resolving({})) == "not a URL"


def test_a_name_that_does_not_resolve_is_refused():
    assert why_refused("https://nowhere.example.org/in", False, resolving({})) == "nowhere.example.org does not resolve"
    assert why_refused("https://empty.example.org/in", False, resolving({"empty.example.org": []})) == (
        "empty.example.org does not resolve")


def test_private_targets_are_allowed_when_the_operator_says_so():
    private = resolving({"hooks.internal": ["10.0.0.1"]})
    assert why_refused("http://hooks.internal/in", True, private) is None
    assert why_refused("http://127.0.0.1:9/in", True, resolving({})) is None


def test_the_real_resolver_refuses_loopback():
    assert why_refused("http://127.0.0.1:8000/in", False) is not None
    assert why_refused("http://localhost:8000/in", False) is not None


def test_retries_wait_about_a_second_first_then_longer_never_over_an_hour(monkeypatch):
    for name in ("WEBHOOK_FIRST_RETRY_SECONDS", "WEBHOOK_TIMEOUT_SECONDS", "WEBHOOK_DISABLE_AFTER_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    channel = webhook_delivery.channel()
    assert channel.max_attempts == 10
    waits = [channel.retry_in(failed) for failed in range(1, channel.max_attempts)]  # between the 10 attempts
    assert waits[0] == pytest.approx(1.0)
    assert all(later > earlier for earlier, later in zip(waits, waits[1:]))
    assert waits[1] == pytest.approx(2.5) and waits[2] == pytest.approx(6.25)
    assert 20 * 60 < sum(waits) < 90 * 60  # the last attempt comes well within the day before disabling
    assert max(channel.retry_in(failed) for failed in range(1, 100)) == 3600


def test_the_first_retry_is_a_setting(monkeypatch):
    monkeypatch.setenv("WEBHOOK_FIRST_RETRY_SECONDS", "0.5")
    assert webhook_delivery.channel().retry_in(1) == pytest.approx(0.5)


def test_the_test_receiver_finds_a_request_signed_with_another_secret():
    secret = new_secret()
    with WebhookReceiver() as receiver:
        for signed_with in (secret, new_secret()):
            now = int(time.time())
            body = json.dumps({"timestamp": now}).encode()
            requests.post(receiver.url, data=body, timeout=5, headers={
                "X-Signature": signature(signed_with, body), "X-Timestamp": str(now)})
        assert len(receiver.wait_for(2)) == 2
        with pytest.raises(AssertionError, match="request 2 of 2"):
            receiver.verify(secret)
