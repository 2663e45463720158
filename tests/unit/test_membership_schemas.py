"""Membership input rules, checked on the schemas alone."""
import re

import pytest

from deploy.demo_data import SYSTEM_LEADERS
from services.chassis.errors import ValidationFailed
from services.chassis.validation import load
from services.membership import schemas
from services.specialisms import PHASES, SPECIALISM_LABELS, SPECIALISMS

SCHOOL = {"urn": "120345", "name": "Rushey Mead Academy", "local_authority": "Leicester",
          "phase": "secondary"}


@pytest.mark.parametrize("urn", ["12345", "1234567", "12a456", "", "١٢٣٤٥٦"])
def test_a_urn_is_six_ascii_digits(urn):
    with pytest.raises(ValidationFailed) as failed:
        load(schemas.SchoolCreate(), {**SCHOOL, "urn": urn})
    assert "urn" in failed.value.errors


def test_unknown_fields_are_rejected_by_name():
    with pytest.raises(ValidationFailed) as failed:
        load(schemas.SchoolCreate(), {**SCHOOL, "ofsted": "good"})
    assert failed.value.errors == {"ofsted": ["Unknown field."]}


def test_a_body_that_is_not_an_object_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        load(schemas.SchoolCreate(), ["not", "an", "object"])


def test_alliance_kinds_have_their_own_words():
    assert schemas.Alliance().dump({"id": "a", "name": "LeTS", "region_id": "r",
                                    "kind": "teaching_school_hub", "lead_school_urn": None,
                                    "created_at": None})["kind_label"] == "Teaching school hub"


def test_passwords_are_at_least_twelve_characters_and_never_dumped():
    with pytest.raises(ValidationFailed) as failed:
        load(schemas.UserCreate(), {"email": "a@b.org", "name": "A", "role": "alliance_staff",
                                    "password": "short"})
    assert "password" in failed.value.errors
    assert "password" not in schemas.User().dump({"id": "u", "password": "secret"})


LEADER = {"name": "Sam Patel", "email": "sam@x.test", "designation": "NLE", "school_urn": "120345",
          "alliance_id": "6f1c2f0e-3c1a-4a3e-9a68-1d2f3e4a5b6c", "specialisms": ["send", "leadership"],
          "days_available": 10}


def test_specialisms_are_one_list_of_lower_snake_case_words_with_labels():
    assert {"leadership", "maths", "english", "send", "early_years", "science", "behaviour",
            "governance"} <= set(SPECIALISMS)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{1,39}", word) for word in SPECIALISMS)
    assert len(set(SPECIALISMS)) == len(SPECIALISMS)
    assert all(SPECIALISM_LABELS[word].strip() for word in SPECIALISMS)


def test_a_leaders_specialisms_are_words_of_the_list():
    assert load(schemas.SystemLeaderCreate(), LEADER)["specialisms"] == ["send", "leadership"]
    for schema, body in [(schemas.SystemLeaderCreate(), LEADER), (schemas.SystemLeaderUpdate(), {})]:
        with pytest.raises(ValidationFailed) as failed:
            load(schema, {**body, "specialisms": ["maths", "knitting"]})
        assert list(failed.value.errors) == ["specialisms"]
    with pytest.raises(ValidationFailed) as failed:
        load(schemas.SystemLeaderFilters(), {"specialism": "Maths"})
    assert list(failed.value.errors) == ["specialism"]


def test_a_leader_update_changes_something_known():
    assert load(schemas.SystemLeaderUpdate(), {"status": "inactive"}) == {"status": "inactive"}
    for body, field in [({}, "_schema"), ({"status": "retired"}, "status"), ({"email": "a@b.org"}, "email"),
                        ({"specialisms": []}, "specialisms"), ({"days_available": "3"}, "days_available")]:
        with pytest.raises(ValidationFailed) as failed:
            load(schemas.SystemLeaderUpdate(), body)
        assert list(failed.value.errors) == [field], body


def test_the_demo_leaders_use_only_the_vocabulary():
    for *_, specialisms, phases, _days in SYSTEM_LEADERS:
        assert set(specialisms) <= set(SPECIALISMS) and set(phases) <= set(PHASES)
