"""Sign-in failures in membership's real database: counted atomically, stale keys purged."""
from datetime import datetime, timedelta, timezone

import eventlet
import pytest
import sqlalchemy as sa

from services.chassis.database import UnitOfWork
from services.membership.exceptions import InvalidCredentials
from services.membership.models import sign_in_failures
from services.membership.sign_in import sign_in
from services.membership.sign_in_limits import Backoff, Limits

pytestmark = pytest.mark.integration
LIMITS = Limits(account=Backoff(free=100), client=Backoff(free=100), reset_after=60)


@pytest.fixture
def db(migrated_db):
    return migrated_db("services.membership", "membership")


def failures(db: UnitOfWork) -> dict[str, int]:
    with db.transaction() as tx:
        return dict(tx.execute(sa.select(sign_in_failures.c.key, sign_in_failures.c.failures)).all())


def wrong_password(db: UnitOfWork, client: str) -> None:
    with pytest.raises(InvalidCredentials):
        sign_in(db, "nobody@x.test", "wrong", client, LIMITS)


def test_concurrent_failures_are_all_counted(db):
    pool = eventlet.GreenPool(10)
    for _ in range(30):
        pool.spawn(wrong_password, db, "10.0.0.1")
    pool.waitall()
    assert failures(db) == {"account:nobody@x.test|client:10.0.0.1": 30, "client:10.0.0.1": 30}


def test_keys_past_their_reset_are_purged_by_later_failures(db):
    with db.transaction() as tx:
        long_ago = datetime.now(timezone.utc) - timedelta(minutes=2)
        tx.execute(sa.insert(sign_in_failures), [
            {"key": f"client:192.0.2.{n}", "failures": 3, "blocked_until": long_ago} for n in range(5)])
        tx.execute(sa.insert(sign_in_failures).values(key="client:fresh", failures=1,
                                                      blocked_until=sa.func.now()))
    wrong_password(db, "10.0.0.2")
    assert set(failures(db)) == {"client:fresh", "client:10.0.0.2", "account:nobody@x.test|client:10.0.0.2"}
