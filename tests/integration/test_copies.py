"""The newer-wins copy helper on the real database: late and equal events change nothing."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.chassis.copies import as_of_column, keep_newest
from services.chassis.migrations import ensure_database
from services.chassis.transaction import Transaction

pytestmark = pytest.mark.integration
metadata = sa.MetaData()
copies = sa.Table("copies", metadata, sa.Column("id", sa.String(8), primary_key=True),
                  sa.Column("name", sa.String(40), nullable=False), as_of_column())
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(service_db):
    url = service_db("copies")
    ensure_database(url)
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def keep(engine: sa.Engine, name: str, at: datetime) -> None:
    with engine.begin() as conn:
        keep_newest(Transaction(conn, None), copies, "id", {"id": "a", "name": name},
                    {"occurred_at": at.isoformat().replace("+00:00", "Z")})


def name_of(engine: sa.Engine) -> tuple[str, datetime]:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(copies.c.name, copies.c.as_of)).one())


def test_the_newest_event_wins_whatever_the_order_of_arrival(engine):
    keep(engine, "first", T0)
    keep(engine, "third", T0 + timedelta(seconds=2))
    keep(engine, "second, late", T0 + timedelta(seconds=1))
    keep(engine, "same time, ignored", T0 + timedelta(seconds=2))
    assert name_of(engine) == ("third", T0 + timedelta(seconds=2))
