"""Pure audit-log rules: what an entry names and records; no database."""
import datetime as dt

import pytest

from gateway.routes.operations import audited_service
from services.chassis.audit import as_json, audit_log, subject_id, subject_type
from services.chassis.errors import BadRequest, ValidationFailed
from services.chassis.pagination import cursor_values, encode_cursor
from services.chassis.transaction import Transaction


def test_the_subject_type_is_the_entrypoint_name_after_its_verb():
    assert subject_type("update_course") == "course"
    assert subject_type("designate_system_leader") == "system_leader"
    assert subject_type("book") == "book"
    assert len(subject_type("make_" + "x" * 100)) == 64


def test_the_subject_id_is_the_results_id_or_urn():
    assert subject_id({"id": "c-1", "urn": "100001"}) == "c-1"
    assert subject_id({"urn": "100001", "name": "Oadby"}) == "100001"
    assert subject_id({"id": 42}) == "42"
    assert subject_id({"marked": 3}) is None
    assert subject_id(None) is None and subject_id([{"id": "x"}]) is None


def test_a_transaction_keeps_only_what_changed_the_last_word_on_a_field_winning():
    tx = Transaction(None, "req-1")
    tx.audit_change("tier", "partner", "partner")
    assert tx.audited == {}
    tx.audit_change("tier", "partner", "lead")
    tx.audit_change("status", None, "active")
    tx.audit_change("tier", "partner", "associate")
    assert tx.audited == {"tier": {"before": "partner", "after": "associate"},
                          "status": {"before": None, "after": "active"}}


def test_changes_are_stored_as_json_text():
    day = dt.date(2030, 1, 2)
    assert as_json({"ended_on": {"before": None, "after": day}}) == {
        "ended_on": {"before": None, "after": "2030-01-02"}}


def test_an_audit_cursor_takes_a_bigint_id_and_nothing_else():
    key = [audit_log.c.id]
    assert cursor_values(encode_cursor([2**40]), key) == [2**40]
    for bad in (2**63, "12", True, 1.5):
        with pytest.raises(BadRequest):
            cursor_values(encode_cursor([bad]), key)


def test_the_audit_route_names_a_registered_service():
    assert audited_service("courses") == "courses"
    for bad in (None, "", "payments", "Courses"):
        with pytest.raises(ValidationFailed) as refused:
            audited_service(bad)
        assert "service" in refused.value.errors
