"""Pure chassis rules: no broker, no database."""
import pytest

from services.chassis.envelope import EnvelopeSchema, make_envelope
from services.chassis.errors import BadRequest, Forbidden, Unauthorized, ValidationFailed
from services.chassis.idempotency import stored_operation
from services.chassis.outbox import backoff_seconds
from services.chassis.pagination import decode_cursor, encode_cursor
from services.chassis.scope import CallerScope, Role


def test_backoff_doubles_from_half_a_second_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert backoff_seconds(20) == 30.0


def test_envelope_has_every_field_and_validates():
    envelope = make_envelope("membership", "school_registered", {"urn": "123456"},
                             correlation_id="req-1", region_id="r", alliance_id=None)
    loaded = EnvelopeSchema().load(envelope)
    assert loaded["schema_version"] == 1 and loaded["correlation_id"] == "req-1"
    assert envelope["occurred_at"].endswith("Z")
    assert make_envelope("a", "b", {})["event_id"] != envelope["event_id"]


def test_cursor_round_trips_and_rejects_garbage():
    assert decode_cursor(encode_cursor(["Oadby", "id-1"])) == ["Oadby", "id-1"]
    with pytest.raises(BadRequest):
        decode_cursor("not*a*cursor")
    with pytest.raises(BadRequest):
        decode_cursor("e30")  # base64 of {}: not a list


def test_scope_requires_roles_and_lets_the_platform_admin_through():
    staff = CallerScope.from_dict({"user_id": "u", "role": "alliance_staff", "alliance_id": "a"})
    with pytest.raises(Forbidden):
        staff.require(Role.ALLIANCE_ADMIN)
    staff.require(Role.ALLIANCE_STAFF)
    CallerScope.from_dict({"user_id": "u", "role": "platform_admin"}).require()


@pytest.mark.parametrize("bad", [None, {}, {"user_id": "u"}, {"user_id": "u", "role": "king"}])
def test_a_missing_or_unknown_scope_is_unauthorized(bad):
    with pytest.raises(Unauthorized):
        CallerScope.from_dict(bad)


def test_service_errors_keep_their_field_errors():
    error = ValidationFailed("bad", {"urn": ["a URN is 6 digits"]})
    assert error.status == 422 and error.errors == {"urn": ["a URN is 6 digits"]}
    assert ValidationFailed(*error.args).errors == error.errors  # as nameko rebuilds it


def test_an_operation_too_long_for_its_column_is_stored_by_its_hash():
    assert stored_operation("book:6f1c2f0e-3c1a-4a3e-9a68-1d2f3e4a5b6c").startswith("book:")
    long_one, other = stored_operation("book:" + "a" * 100), stored_operation("book:" + "b" * 100)
    assert len(long_one) == 64 and long_one != other and long_one.startswith("sha256:")
