"""The sign-in limits' pure rules: the keys an attempt counts against and the waits."""
from datetime import datetime, timedelta, timezone

from services.membership.sign_in_limits import Backoff, Limits, account_key, client_key, retry_after


def test_a_few_failures_are_free_then_the_wait_doubles_up_to_its_cap():
    backoff = Backoff(free=5, first_delay=1, max_delay=900)
    assert [backoff.delay(n) for n in range(0, 6)] == [0, 0, 0, 0, 0, 0]
    assert [backoff.delay(n) for n in range(6, 12)] == [1, 2, 4, 8, 16, 32]
    assert backoff.delay(15) == 512 and backoff.delay(16) == 900 and backoff.delay(10_000) == 900


def test_an_attempt_counts_against_the_account_from_its_client_and_against_the_client():
    limits = Limits(account=Backoff(5), client=Backoff(20), reset_after=3600)
    keys = limits.keys("  Admin@Alliance.Local ", "203.0.113.7")
    assert keys == {"account:admin@alliance.local|client:203.0.113.7": limits.account,
                    "client:203.0.113.7": limits.client}
    # No key is the account alone: the owner elsewhere is never slowed by an attacker's failures.
    assert not set(keys) & set(limits.keys("admin@alliance.local", "198.51.100.1"))
    assert client_key("198.51.100.1") in limits.keys("someone.else@x.test", "198.51.100.1")


def test_keys_fit_the_table_and_an_unknown_client_is_named():
    longest = account_key("x" * 254, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")
    assert len(longest) <= 400
    assert client_key(None) == "client:unknown"


def test_the_defaults_come_from_settings(monkeypatch):
    monkeypatch.setenv("SIGN_IN_FREE_FAILURES", "3")
    monkeypatch.setenv("SIGN_IN_MAX_DELAY_SECONDS", "60")
    limits = Limits.from_settings()
    assert limits.account == Backoff(free=3, first_delay=1, max_delay=60)
    assert limits.client.free == 20 and limits.reset_after == 3600


def test_retry_after_is_whole_seconds_and_at_least_one():
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert retry_after(now + timedelta(seconds=1.2), now) == 2
    assert retry_after(now + timedelta(milliseconds=10), now) == 1
