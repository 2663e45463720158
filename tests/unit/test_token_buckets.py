"""Token buckets per user on a fake clock: burst, sustained rate, Retry-After, independence, eviction."""
import pytest

from gateway import metrics, rate_limits
from gateway.token_buckets import TokenBuckets
from services.chassis.errors import TooManyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_burst_is_allowed_then_the_next_request_waits(clock):
    buckets = TokenBuckets(per_second=2, burst=5, clock=clock)
    assert [buckets.take("u1") for _ in range(5)] == [0] * 5
    assert buckets.take("u1") == 1  # half a second to the next token: Retry-After is whole seconds


def test_retry_after_is_the_whole_seconds_until_a_token(clock):
    buckets = TokenBuckets(per_second=0.25, burst=1, clock=clock)
    assert buckets.take("u1") == 0
    assert buckets.take("u1") == 4
    clock.now += 3.5
    assert buckets.take("u1") == 1
    clock.now += 0.5
    assert buckets.take("u1") == 0


def test_refused_requests_do_not_dig_the_bucket_deeper(clock):
    buckets = TokenBuckets(per_second=1, burst=2, clock=clock)
    buckets.take("u1"), buckets.take("u1")
    assert [buckets.take("u1") for _ in range(50)] == [1] * 50
    clock.now += 1
    assert buckets.take("u1") == 0


def test_the_sustained_rate_is_per_second_and_refills_no_further_than_the_burst(clock):
    buckets = TokenBuckets(per_second=10, burst=3, clock=clock)
    allowed = 0
    for _ in range(1000):  # 10 s at 100 requests a second
        clock.now += 0.01
        allowed += buckets.take("u1") == 0
    assert 102 <= allowed <= 103  # the burst of 3, then 10 a second (floating point decides the last one)
    clock.now += 3600
    assert [buckets.take("u1") for _ in range(4)] == [0, 0, 0, 1]


def test_one_users_bucket_leaves_another_alone(clock):
    buckets = TokenBuckets(per_second=1, burst=2, clock=clock)
    buckets.take("u1"), buckets.take("u1")
    assert buckets.take("u1") == 1
    assert buckets.take("u2") == 0


def test_zero_per_second_is_no_limit(clock):
    buckets = TokenBuckets(per_second=0, burst=1, clock=clock)
    assert all(buckets.take("u1") == 0 for _ in range(10_000))
    assert len(buckets) == 0


def test_the_least_recently_seen_user_is_forgotten_beyond_the_bound(clock):
    buckets = TokenBuckets(per_second=1, burst=1, max_keys=2, clock=clock)
    buckets.take("u1"), buckets.take("u2")
    assert buckets.take("u1") == 1  # u1 is now the most recent
    buckets.take("u3")  # forgets u2
    assert len(buckets) == 2
    assert buckets.take("u1") == 1  # still remembered, still empty
    assert buckets.take("u2") == 0  # forgotten: a full bucket again


@pytest.mark.parametrize("per_second, burst", [(-1, 5), (1, 0), (float("nan"), 5), (float("inf"), 5)])
def test_unusable_settings_are_refused(per_second, burst):
    with pytest.raises(ValueError):
        TokenBuckets(per_second, burst)


def test_the_gateway_limit_raises_429_with_retry_after_and_counts_it(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_SECOND", "0.5")
    monkeypatch.setenv("RATE_LIMIT_BURST", "2")
    before = metrics.RATE_LIMITED._value.get()
    rate_limits.spend("gateway-user"), rate_limits.spend("gateway-user")
    with pytest.raises(TooManyAttempts) as limited:
        rate_limits.spend("gateway-user")
    assert (limited.value.status, limited.value.retry_after) == (429, 2)
    assert metrics.RATE_LIMITED._value.get() == before + 1


@pytest.mark.parametrize("per_second, burst", [("fast", "60"), ("20", "0"), ("-1", "60"), ("20", "1.5")])
def test_unusable_gateway_settings_are_refused_naming_them(monkeypatch, per_second, burst):
    monkeypatch.setenv("RATE_LIMIT_PER_SECOND", per_second)
    monkeypatch.setenv("RATE_LIMIT_BURST", burst)
    with pytest.raises(rate_limits.RateLimitSettingError, match="RATE_LIMIT_PER_SECOND .* RATE_LIMIT_BURST"):
        rate_limits.buckets()


def test_the_defaults_suit_people_and_scripts(monkeypatch):
    monkeypatch.delenv("RATE_LIMIT_PER_SECOND", raising=False)
    monkeypatch.delenv("RATE_LIMIT_BURST", raising=False)
    assert (rate_limits.buckets().per_second, rate_limits.buckets().burst) == (20, 60)
