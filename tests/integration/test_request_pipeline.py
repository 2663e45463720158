"""read only reads; act and change write; on the real database."""
import pytest
import sqlalchemy as sa

from services.chassis.database import UnitOfWork, make_engine
from services.chassis.migrations import migrate
from services.chassis.request_pipeline import act, read
from tests.integration.probe.models import switch

pytestmark = pytest.mark.integration
ADMIN = {"user_id": "u-1", "role": "platform_admin"}


@pytest.fixture
def db(service_db):
    url = service_db("chassis_probe")
    migrate("tests.integration.probe", url)
    engine = make_engine(url, pool_size=1)  # one connection: a read's READ ONLY must not outlive it
    yield UnitOfWork(engine, None, lambda: None)
    engine.dispose()


def _turn_on(tx, caller) -> dict:
    tx.execute(sa.insert(switch).values(id=1, failing=True))
    return {"on": True}


def _is_on(tx, caller) -> dict:
    return {"on": tx.execute(sa.select(switch.c.failing)).scalar()}


def test_a_reader_that_writes_fails_and_writes_nothing(db):
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"):
        read(db, ADMIN, _turn_on)
    assert read(db, ADMIN, _is_on) == {"on": None}


def test_act_writes_on_the_connection_a_read_used(db):
    read(db, ADMIN, _is_on)
    assert act(db, ADMIN, _turn_on) == {"on": True}
    assert read(db, ADMIN, _is_on) == {"on": True}
