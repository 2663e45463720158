"""The audit log on the real database: one row per write, in the write's own transaction."""
import uuid

import pytest
import sqlalchemy as sa

from services.chassis import audit
from services.chassis.database import UnitOfWork
from services.chassis.errors import Forbidden, ValidationFailed
from services.chassis.request_pipeline import act, change, read
from services.courses import catalogue, schemas
from services.courses.models import alliances, courses

pytestmark = pytest.mark.integration
ALLIANCE_ID = str(uuid.uuid4())
STAFF = {"user_id": str(uuid.uuid4()), "role": "alliance_staff", "alliance_id": ALLIANCE_ID}
ADMIN = {"user_id": str(uuid.uuid4()), "role": "platform_admin"}
COURSE = {
    "title": "Phonics", "programme": "subject_cpd", "area": "cpd", "visibility": "public", "capacity": 10,
    "price_member_pence": 1000, "price_non_member_pence": 2500,
    "sessions": [{"starts_at": "2030-03-01T09:00:00+00:00", "ends_at": "2030-03-01T12:00:00+00:00"}],
}


@pytest.fixture
def courses_db(migrated_db):
    db = migrated_db("services.courses", "courses")
    with db.transaction() as tx:
        tx.execute(sa.insert(alliances).values(id=ALLIANCE_ID, region_id=str(uuid.uuid4()), name="A",
                                               kind="teaching_school_hub"))
    return db


def request(db: UnitOfWork, action: str, request_id: str) -> UnitOfWork:
    """The UnitOfWork an RPC worker for ``action`` gets, in the request ``request_id``."""
    return UnitOfWork(db.engine, request_id, lambda: None, action=action)


def draft(db: UnitOfWork, key: str | None = None) -> dict:
    return change(request(db, "create_course", "req-create"), STAFF, schemas.CourseCreate(),
                  {**COURSE, "alliance_id": ALLIANCE_ID}, catalogue.create_course, key, "create_course")


def update(db: UnitOfWork, course_id: str, data: dict, request_id: str = "req-update") -> dict:
    return change(request(db, "update_course", request_id), STAFF, schemas.CourseUpdate(), data,
                  lambda tx, caller, changes: catalogue.update(tx, caller, course_id, changes))


def rows(db: UnitOfWork, action: str) -> list[dict]:
    with db.transaction() as tx:
        return [dict(r) for r in tx.execute(sa.select(audit.audit_log).where(
            audit.audit_log.c.action == action).order_by(audit.audit_log.c.id)).mappings()]


def test_a_course_update_writes_one_row_with_the_prices_before_and_after(courses_db):
    course = draft(courses_db)
    update(courses_db, course["id"], {"price_member_pence": 1200, "title": "Phonics for all"}, "req-7f3a")
    [entry] = rows(courses_db, "update_course")
    assert entry["changes"] == {"price_member_pence": {"before": 1000, "after": 1200}}
    assert (entry["actor_id"], entry["actor_role"]) == (STAFF["user_id"], "alliance_staff")
    assert (entry["subject_type"], entry["subject_id"], entry["request_id"]) == ("course", course["id"],
                                                                                 "req-7f3a")
    [created] = rows(courses_db, "create_course")
    assert created["changes"] == {} and created["subject_id"] == course["id"]


def test_a_change_rolled_back_after_its_audit_row_leaves_neither(courses_db, monkeypatch):
    course = draft(courses_db)
    written, record = [], audit.record

    def record_then_fail(tx, caller, action, result):
        record(tx, caller, action, result)
        written.append(action)
        raise RuntimeError("the transaction fails after the audit row")

    monkeypatch.setattr(audit, "record", record_then_fail)
    with pytest.raises(RuntimeError):
        update(courses_db, course["id"], {"price_member_pence": 1}, "req-lost")
    assert written == ["update_course"]
    assert rows(courses_db, "update_course") == []
    with courses_db.transaction() as tx:
        assert tx.execute(sa.select(courses.c.price_member_pence)).scalar_one() == 1000


def test_a_refused_change_writes_no_row(courses_db):
    course = draft(courses_db)
    with pytest.raises(ValidationFailed):
        update(courses_db, course["id"], {"price_member_pence": -1})
    with pytest.raises(Forbidden):
        act(request(courses_db, "publish_course", "req-x"), {**STAFF, "role": "school_user"},
            lambda tx, caller: catalogue.publish(tx, caller, course["id"]))
    assert rows(courses_db, "update_course") == rows(courses_db, "publish_course") == []


def test_an_idempotent_replay_writes_no_second_row(courses_db):
    first = draft(courses_db, key="draft-phonics")
    assert draft(courses_db, key="draft-phonics") == first
    assert len(rows(courses_db, "create_course")) == 1


def test_platform_admins_read_the_log_newest_first_by_filter_and_page(courses_db):
    course = draft(courses_db)
    for pence in (1100, 1200, 1300):
        update(courses_db, course["id"], {"price_member_pence": pence}, f"req-{pence}")

    def entries(filters: dict, page: dict | None = None, scope: dict = ADMIN) -> dict:
        return read(courses_db, scope, lambda tx, caller: audit.list_entries(tx, caller, filters, page))

    page = entries({"action": "update_course"}, {"limit": 2})
    assert [e["request_id"] for e in page["items"]] == ["req-1300", "req-1200"]
    rest = entries({"action": "update_course"}, {"limit": 2, "cursor": page["next_cursor"]})
    assert [e["request_id"] for e in rest["items"]] == ["req-1100"] and rest["next_cursor"] is None
    assert rest["items"][0]["changes"] == {"price_member_pence": {"before": 1000, "after": 1100}}
    assert len(entries({"subject_id": course["id"], "actor_id": STAFF["user_id"]})["items"]) == 4
    assert entries({"actor_id": ADMIN["user_id"]})["items"] == []
    assert entries({"since": "2099-01-01T00:00:00Z"})["items"] == []
    with pytest.raises(ValidationFailed):
        entries({"since": "yesterday"})
    for role in ("alliance_admin", "regional_coordinator", "alliance_staff", "school_user"):
        with pytest.raises(Forbidden):
            entries({}, scope={**STAFF, "role": role})
