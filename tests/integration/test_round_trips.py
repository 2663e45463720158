"""What a booking costs in round trips to PostgreSQL, counted on the real database.

Each round trip costs the booking path more CPU than its SQL (README, "Where a
booking's milliseconds go"), and the course's row lock is held across all but
the first. A change that adds one fails here and has to say why.
"""
import uuid

import pytest
import sqlalchemy as sa

from services.chassis import outbox
from services.chassis.database import UnitOfWork
from services.chassis.request_pipeline import act, change
from services.courses import bookings, catalogue, schemas
from services.courses.exceptions import AlreadyBooked
from services.courses.models import alliances, schools

pytestmark = pytest.mark.integration
ALLIANCE_ID = str(uuid.uuid4())
STAFF = {"user_id": str(uuid.uuid4()), "role": "alliance_staff", "alliance_id": ALLIANCE_ID}
COURSE = {
    "title": "Phonics", "programme": "subject_cpd", "area": "cpd", "visibility": "public", "capacity": 1,
    "price_member_pence": 1000, "price_non_member_pence": 2500, "alliance_id": ALLIANCE_ID,
    "sessions": [{"starts_at": "2030-03-01T09:00:00+00:00", "ends_at": "2030-03-01T12:00:00+00:00"}],
}


@pytest.fixture
def courses_db(migrated_db) -> UnitOfWork:
    db = migrated_db("services.courses", "courses")
    with db.transaction() as tx:
        tx.execute(sa.insert(alliances).values(id=ALLIANCE_ID, region_id=str(uuid.uuid4()), name="A",
                                               kind="teaching_school_hub"))
        tx.execute(sa.insert(schools).values(urn="100001", name="Oak Primary"))
    return db


def sent_while(db: UnitOfWork, action) -> list[str]:
    """The statements sent to PostgreSQL (one per round trip) while ``action`` runs."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    sa.event.listen(db.engine, "after_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", count)
    return sent


def book(db: UnitOfWork, course_id: str, email: str) -> dict:
    return change(db, STAFF, schemas.BookingCreate(),
                  {"school_urn": "100001", "participant": {"name": "Ada", "email": email}},
                  lambda tx, caller, payload: bookings.book(tx, caller, course_id, payload))


@pytest.mark.parametrize("status", ["confirmed", "waitlisted"])
def test_a_booking_takes_three_round_trips_its_event_and_audit_row_riding_on_the_commit(courses_db, status):
    course = change(courses_db, STAFF, schemas.CourseCreate(), COURSE, catalogue.create_course)
    act(courses_db, STAFF, lambda tx, caller: catalogue.publish(tx, caller, course["id"]))
    if status == "waitlisted":
        book(courses_db, course["id"], "first@school.test")

    sent = sent_while(courses_db, lambda: book(courses_db, course["id"], "ada@school.test"))

    assert len(sent) == 3, sent
    lock, insert, commit = sent
    assert lock.startswith("BEGIN") and "FOR UPDATE" in lock
    assert "INSERT INTO bookings" in insert and "COMMIT" not in insert
    assert "INSERT INTO outbox" in commit and "INSERT INTO audit_log" in commit
    assert commit.rstrip().endswith("COMMIT")
    with courses_db.transaction() as tx:
        [event] = tx.execute(sa.select(outbox.outbox.c.event_type).where(
            outbox.outbox.c.envelope["data"]["participant"]["email"].astext == "ada@school.test")).scalars()
    assert event == f"booking_{status}"


def test_a_refused_booking_rolls_back_and_leaves_no_row(courses_db):
    course = change(courses_db, STAFF, schemas.CourseCreate(), COURSE, catalogue.create_course)
    act(courses_db, STAFF, lambda tx, caller: catalogue.publish(tx, caller, course["id"]))
    book(courses_db, course["id"], "ada@school.test")

    def twice() -> None:
        with pytest.raises(AlreadyBooked):
            book(courses_db, course["id"], "ada@school.test")

    sent = sent_while(courses_db, twice)
    assert sent[-1] == "ROLLBACK" and not any("COMMIT" in statement for statement in sent)
    with courses_db.transaction() as tx:
        assert tx.execute(sa.text("SELECT count(*) FROM bookings")).scalar() == 1
        assert tx.execute(sa.text("SELECT count(*) FROM outbox")).scalar() == 2  # the course's and one booking's
