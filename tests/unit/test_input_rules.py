"""The input rules (services/chassis/fields.py) and strict cursors: no broker, no database."""
import base64
import json

import pytest
import sqlalchemy as sa
from marshmallow import Schema, fields

from services.chassis.errors import BadRequest, ValidationFailed
from services.chassis.fields import AwareDateTime, Date, Email, Integer, QueryInteger, Text
from services.chassis.pagination import cursor_values, encode_cursor, read_page
from services.chassis.validation import load
from services.courses import schemas as courses
from services.membership import schemas as membership

ALLIANCE = "6f1c2f0e-3c1a-4a3e-9a68-1d2f3e4a5b6c"
COURSE = {
    "alliance_id": ALLIANCE, "title": "Early career framework", "programme": "ect", "area": "cpd",
    "visibility": "alliance", "capacity": 10, "price_member_pence": 0, "price_non_member_pence": 100,
    "sessions": [{"starts_at": "2026-05-01T09:00:00+01:00", "ends_at": "2026-05-01T12:00:00+01:00"}],
}


class Sample(Schema):
    name = Text()
    email = Email()
    count = Integer()
    page = QueryInteger()
    at = AwareDateTime()
    on = Date()
    tags = fields.List(Text())


def errors_of(schema: Schema, data: object) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        load(schema, data)
    return caught.value.errors


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfffy"])
def test_text_refuses_nul_and_lone_surrogates_at_any_depth(text):
    assert "name" in errors_of(Sample(), {"name": text})
    assert "email" in errors_of(Sample(), {"email": f"a{text}@example.org"})
    assert 1 in errors_of(Sample(), {"tags": ["fine", text]})["tags"]


def test_text_keeps_paired_surrogates_and_ordinary_unicode():
    assert load(Sample(), {"name": "Zoë 😀 \u2028"}) == {"name": "Zoë 😀 \u2028"}


@pytest.mark.parametrize("value", [1.5, 10.0, "9", True, False, None, [1], {"n": 1}, 2**31, -(2**31) - 1, 2**70])
def test_integers_are_json_integers_within_postgres_integer(value):
    assert "count" in errors_of(Sample(), {"count": value})


def test_integers_within_range_load():
    assert load(Sample(), {"count": 2**31 - 1})["count"] == 2**31 - 1
    assert load(Sample(), {"count": -(2**31)})["count"] == -(2**31)


@pytest.mark.parametrize("value", ["1.5", " 2", "+2", "-1", "٣", "1e3", "", "99999999999"])
def test_query_integers_are_plain_ascii_digits(value):
    assert "page" in errors_of(Sample(), {"page": value})


def test_query_integers_load_digit_strings():
    assert load(Sample(), {"page": "42"}) == {"page": 42}


@pytest.mark.parametrize("value", [
    "0001-01-01T00:00:00-23:59", "2026-01-01T00:00:00+14:01", "1999-12-31T23:00:00+00:00",
    "2101-01-01T00:00:00Z", "2026-01-01T00:00:00", "9999-12-31T23:59:59+00:00", 1700000000, "nonsense",
])
def test_datetimes_are_aware_within_2000_to_2100_and_14_hours(value):
    assert "at" in errors_of(Sample(), {"at": value})


@pytest.mark.parametrize("value", ["2000-01-01T00:00:00+14:00", "2100-12-31T23:59:59-14:00", "2026-05-01T09:00:00Z"])
def test_datetimes_at_the_edges_load(value):
    assert load(Sample(), {"at": value})["at"].year in (2000, 2026, 2100)


def test_dates_stay_within_the_years_too():
    assert "on" in errors_of(Sample(), {"on": "0001-01-01"})
    assert str(load(Sample(), {"on": "2026-02-28"})["on"]) == "2026-02-28"


@pytest.mark.parametrize("body", [[], None, "text", 3, ["a", "list"]])
def test_a_body_must_be_a_json_object(body):
    assert errors_of(courses.BookingCancel(), body) == {"_schema": ["expected an object"]}


def test_unknown_fields_are_still_refused():
    assert "surprise" in errors_of(courses.BookingCancel(), {"surprise": 1})


@pytest.mark.parametrize("change, field", [
    ({"capacity": 1.5}, "capacity"), ({"capacity": "9"}, "capacity"), ({"capacity": True}, "capacity"),
    ({"price_non_member_pence": 10.7}, "price_non_member_pence"), ({"title": "a\x00"}, "title"),
    ({"title": "\ud800"}, "title"), ({"description": "x\x00"}, "description"),
    ({"sessions": [{"starts_at": "0001-01-01T00:00:00-23:59", "ends_at": "2026-05-01T12:00:00Z"}]}, "sessions"),
    ({"sessions": [{**COURSE["sessions"][0], "venue": "\x00"}]}, "sessions"),
])
def test_course_inputs_use_the_rules(change, field):
    load(courses.CourseCreate(), COURSE)
    assert field in errors_of(courses.CourseCreate(), {**COURSE, **change})


@pytest.mark.parametrize("schema, body, field", [
    (membership.MembershipCreate(), {"school_urn": "110001", "tier": "lead", "subscription_pence": 2**70},
     "subscription_pence"),
    (membership.MembershipCreate(), {"school_urn": "110001", "tier": "lead", "mou_version": "v\x00"}, "mou_version"),
    (membership.RegionCreate(), {"name": "East\x00", "code": "EM"}, "name"),
    (membership.Credentials(), {"email": "a\x00@b.c", "password": "x"}, "email"),
    (membership.SystemLeaderCreate(), {"name": "n", "email": "a@b.co", "designation": "NLE",
                                       "school_urn": "110001", "alliance_id": ALLIANCE,
                                       "specialisms": ["maths"], "days_available": 2.5}, "days_available"),
    (courses.BookingCreate(), {"school_urn": "110001", "participant": {"name": "A\x00", "email": "a@b.co"}},
     "participant"),
    (membership.SchoolFilters(), {"q": "\x00"}, "q"),
    (courses.CourseFilters(), {"q": "\x00"}, "q"),
    (courses.BookingFilters(), {"school_urn": "\x00"}, "school_urn"),
])
def test_membership_and_courses_inputs_and_filters_use_the_rules(schema, body, field):
    assert field in errors_of(schema, body)


def cursor_of(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


table = sa.Table("t", sa.MetaData(), sa.Column("name", sa.String(200)), sa.Column("id", sa.Uuid(as_uuid=False)),
                 sa.Column("at", sa.DateTime(timezone=True)), sa.Column("n", sa.Integer))
NAME_ID = [table.c.name, table.c.id]
AT_ID = [table.c.at, table.c.id]
N_ID = [table.c.n, table.c.id]


def test_cursors_round_trip_with_typed_values():
    assert cursor_values(encode_cursor(["Oadby", ALLIANCE]), NAME_ID) == ["Oadby", ALLIANCE]
    at, _ = cursor_values(cursor_of(["2026-05-01T09:00:00+00:00", ALLIANCE]), AT_ID)
    assert at.year == 2026 and at.utcoffset() is not None
    assert cursor_values(cursor_of([7, ALLIANCE]), N_ID) == [7, ALLIANCE]


@pytest.mark.parametrize("keys, values", [
    (NAME_ID, [1, 2]), (NAME_ID, ["Oadby"]), (NAME_ID, ["Oadby", ALLIANCE, "extra"]),
    (NAME_ID, [True, ALLIANCE]), (NAME_ID, [1.5, ALLIANCE]), (NAME_ID, [["nested"], ALLIANCE]),
    (NAME_ID, [{"a": 1}, ALLIANCE]), (NAME_ID, [None, ALLIANCE]), (NAME_ID, ["a\x00", ALLIANCE]),
    (NAME_ID, ["x" * 201, ALLIANCE]), (NAME_ID, ["Oadby", "not-a-uuid"]), (NAME_ID, ["Oadby", 5]),
    (AT_ID, ["2026-05-01T09:00:00", ALLIANCE]), (AT_ID, ["0001-01-01T00:00:00-23:59", ALLIANCE]),
    (AT_ID, ["yesterday", ALLIANCE]), (AT_ID, [1700000000, ALLIANCE]),
    (N_ID, [True, ALLIANCE]), (N_ID, [1.0, ALLIANCE]), (N_ID, ["1", ALLIANCE]), (N_ID, [2**70, ALLIANCE]),
    (NAME_ID, {"a": 1}), (NAME_ID, "text"), (NAME_ID, 3),
])
def test_edited_cursors_are_a_400_naming_cursor(keys, values):
    with pytest.raises(BadRequest) as caught:
        cursor_values(cursor_of(values), keys)
    assert caught.value.status == 400 and "cursor" in caught.value.errors


@pytest.mark.parametrize("cursor", ["garbage!", "%%%", "é", "TmFO", "W05hTl0", "W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1td"])
def test_undecodable_cursors_are_a_400(cursor):
    with pytest.raises(BadRequest):
        cursor_values(cursor, NAME_ID)


def test_the_page_schema_uses_the_rules():
    assert read_page({"limit": "20"}) == {"limit": 20, "cursor": None}
    for limit in ("0", "201", "1.5", "abc", "2" * 30):
        with pytest.raises(ValidationFailed):
            read_page({"limit": limit})
    for cursor in ("\x00", "a" * 2000):
        with pytest.raises(BadRequest) as caught:
            read_page({"cursor": cursor})
        assert "cursor" in caught.value.errors
