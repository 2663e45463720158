"""Membership input rules, checked on the schemas alone."""
import pytest

from services.chassis.errors import ValidationFailed
from services.chassis.validation import load
from services.membership import schemas

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
