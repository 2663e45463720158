"""The signing key ring: parsing, which key signs, which verify, and the refusals at start."""
import pytest

from gateway.signing_keys import DEFAULT_KID, MIN_SECRET_LENGTH, SigningKeyError, parse_ring, ring_from_environment

NEW = "n" * MIN_SECRET_LENGTH
OLD = "o" * 40


def test_the_first_key_signs_and_every_key_verifies():
    ring = parse_ring(f"2026-11:{NEW}, 2026-05:{OLD}")
    assert (ring.signing_kid, ring.signing_secret) == ("2026-11", NEW)
    assert ring.secret_for("2026-11") == NEW and ring.secret_for("2026-05") == OLD
    assert ring.secret_for("2025-11") is None


def test_a_ring_refuses_tokens_without_a_kid_or_with_one_that_is_not_text():
    ring = parse_ring(f"2026-11:{NEW}")
    for kid in (None, 7, ["2026-11"], ""):
        assert ring.secret_for(kid) is None


def test_a_secret_may_hold_colons_and_surrounding_spaces_are_dropped():
    secret = "a:b:" + "c" * MIN_SECRET_LENGTH
    assert parse_ring(f" k1 :  {secret}  ").secret_for("k1") == secret


def test_jwt_secret_alone_is_a_ring_of_one_that_accepts_tokens_without_a_kid():
    ring = ring_from_environment({"JWT_SECRET": OLD})
    assert ring.keys == ((DEFAULT_KID, OLD),) and not ring.random
    assert ring.secret_for(None) == OLD and ring.secret_for(DEFAULT_KID) == OLD
    assert ring.secret_for("other") is None


def test_jwt_signing_keys_wins_over_jwt_secret_and_then_a_kid_is_required():
    ring = ring_from_environment({"JWT_SIGNING_KEYS": f"k1:{NEW}", "JWT_SECRET": OLD})
    assert ring.keys == (("k1", NEW),)
    assert ring.secret_for(None) is None and ring.secret_for(DEFAULT_KID) is None


def test_an_empty_jwt_signing_keys_counts_as_unset():
    assert ring_from_environment({"JWT_SIGNING_KEYS": " ", "JWT_SECRET": OLD}).keys == ((DEFAULT_KID, OLD),)


def test_without_either_setting_each_process_has_a_random_key_of_its_own():
    first, second = ring_from_environment({}), ring_from_environment({})
    assert first.random and len(first.signing_secret) >= MIN_SECRET_LENGTH
    assert first.signing_secret != second.signing_secret
    assert first.secret_for(None) is None


@pytest.mark.parametrize("setting, says", [
    (f"k1:{'x' * (MIN_SECRET_LENGTH - 1)}", "the key 'k1' is 31 characters"),
    (f"k1:{NEW},k2:short", "the key 'k2' is 5 characters"),
    (f"k1:{NEW},k1:{OLD}", "listed twice"),
    (NEW, "<kid>:<secret>"),
    (f"k1:{NEW},", "entry 2"),
    (f"bad kid:{NEW}", "entry 1"),
    (f"{'k' * 65}:{NEW}", "entry 1"),
    (f":{NEW}", "entry 1"),
])
def test_unusable_keys_are_refused_saying_why(setting, says):
    with pytest.raises(SigningKeyError, match="JWT_SIGNING_KEYS") as refused:
        parse_ring(setting)
    assert says in str(refused.value)


def test_a_short_jwt_secret_is_refused():
    with pytest.raises(SigningKeyError, match=f"JWT_SECRET is 12 characters; .* at least {MIN_SECRET_LENGTH}"):
        ring_from_environment({"JWT_SECRET": "dev-password"})
