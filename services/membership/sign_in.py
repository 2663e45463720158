"""Signing in under the limits of ``sign_in_limits``, with their state in ``sign_in_failures``.

The table is shared by every replica: blocks are checked before the password
(a blocked attempt costs no hash and counts nothing), a failure is counted
with one atomic upsert per key, and a success clears the account's key for
that client (not the client's key, or one good account would reset a spray).
"""
import sqlalchemy as sa

from services.chassis.database import Transaction, UnitOfWork
from services.chassis.errors import TooManyAttempts
from services.membership import users
from services.membership.exceptions import InvalidCredentials
from services.membership.models import sign_in_failures
from services.membership.sign_in_limits import Backoff, Limits, account_key, retry_after

_BLOCKED = sa.text(
    "SELECT max(blocked_until) AS until, now() AS now FROM sign_in_failures"
    " WHERE key = ANY(:keys) AND blocked_until > now()")
# A key quiet for :reset seconds after its last wait ended counts from 1 again.
_COUNT_FAILURE = sa.text("""
    INSERT INTO sign_in_failures AS f (key, failures, first_failure_at, blocked_until)
    VALUES (:key, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN f.blocked_until < now() - make_interval(secs => :reset)
                        THEN 1 ELSE f.failures + 1 END,
        first_failure_at = CASE WHEN f.blocked_until < now() - make_interval(secs => :reset)
                                THEN now() ELSE f.first_failure_at END,
        blocked_until = GREATEST(f.blocked_until, now())
    RETURNING failures""")
# Keys past their reset are worth nothing: each failure clears a few, so a spray cannot grow the table for ever.
_PURGE_STALE = sa.text(
    "DELETE FROM sign_in_failures WHERE key IN (SELECT key FROM sign_in_failures"
    " WHERE blocked_until < now() - make_interval(secs => :reset) LIMIT 100 FOR UPDATE SKIP LOCKED)")
_BLOCK = sa.text("UPDATE sign_in_failures SET blocked_until = GREATEST(blocked_until,"
                 " now() + make_interval(secs => :delay)) WHERE key = :key")


def sign_in(db: UnitOfWork, email: str, password: str, client: str | None,
            limits: Limits | None = None) -> dict:
    """The user for these credentials; 429 while a key is blocked, 401 (and a failure counted) if wrong."""
    limits = limits or Limits.from_settings()
    keys = limits.keys(email, client)
    try:
        with db.transaction() as tx:
            raise_if_blocked(tx, list(keys))
            user = users.authenticate(tx, email, password)
            tx.execute(sa.delete(sign_in_failures).where(
                sign_in_failures.c.key == account_key(email, client)))
            return user
    except InvalidCredentials:
        with db.transaction() as tx:
            count_failure(tx, keys, limits.reset_after)
        raise


def raise_if_blocked(tx: Transaction, keys: list[str]) -> None:
    row = tx.execute(_BLOCKED, {"keys": keys}).mappings().one()
    if row["until"] is not None:
        raise TooManyAttempts("too many failed sign-ins; wait and try again",
                              retry_after=retry_after(row["until"], row["now"]))


def count_failure(tx: Transaction, keys: dict[str, Backoff], reset_after: float) -> None:
    """One more failure on every key, blocking those past their free failures."""
    tx.execute(_PURGE_STALE, {"reset": reset_after})
    for key in sorted(keys):  # one order for every replica: no deadlock between two attempts
        failures = tx.execute(_COUNT_FAILURE, {"key": key, "reset": reset_after}).scalar_one()
        delay = keys[key].delay(failures)
        if delay > 0:
            tx.execute(_BLOCK, {"key": key, "delay": delay})
