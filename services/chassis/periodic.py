"""Periodic jobs that run once per period, whatever the number of replicas.

``@periodic("escalate", every=60)`` on ``method(self, tx, now)`` makes every
replica look, a few times a period, whether the job is due (``every`` may
be a function, a setting read as each container starts); the one that
claims the job's row (``FOR UPDATE SKIP LOCKED``) runs it, in the same
transaction that moves ``next_run_at`` to the next slot, so a run and its
record commit together. A run that raises is rolled back, its error recorded
in ``last_error``, and tried again at the next slot. The service's models add
the table with ``add_job_tables(metadata)``. ``CLOCK`` is the time jobs see
and claim by; tests move it forward instead of waiting.
"""
import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import sqlalchemy as sa
from nameko.timer import Timer

from services.chassis.schedule_rules import next_due
from services.chassis.transaction import Transaction

log = logging.getLogger(__name__)
POLLS_PER_PERIOD = 4
MAX_POLL_SECONDS = 5.0


@dataclass
class Clock:
    """Wall-clock time plus an offset that tests advance."""
    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


CLOCK = Clock()


def add_job_tables(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "scheduled_jobs", metadata,
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True)),
        sa.Column("runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    )


_ENSURE = sa.text("INSERT INTO scheduled_jobs (name, next_run_at) VALUES (:name, :now) ON CONFLICT DO NOTHING")
_CLAIM = sa.text("SELECT next_run_at FROM scheduled_jobs WHERE name = :name AND next_run_at <= :now"
                 " FOR UPDATE SKIP LOCKED")
_DONE = sa.text("UPDATE scheduled_jobs SET next_run_at = :next, last_run_at = :now, runs = runs + 1,"
                " last_error = NULL WHERE name = :name")
_FAILED = sa.text("UPDATE scheduled_jobs SET next_run_at = :next, last_error = :error WHERE name = :name")


def run_if_due(db: Any, name: str, every: timedelta, job: Callable[[Transaction, datetime], None],
               clock: Clock = CLOCK) -> bool:
    """Run ``job(tx, now)`` if it is due and no other replica holds it; whether it ran."""
    now = clock.now()
    with db.transaction() as tx:
        tx.execute(_ENSURE, {"name": name, "now": now})
    with db.transaction() as tx:
        due = tx.execute(_CLAIM, {"name": name, "now": now}).scalar()
        if due is None:
            return False
        following = next_due(due, now, every)
        try:
            with tx.savepoint():
                job(tx, now)
        except Exception as exc:
            log.warning("periodic job %s failed, tried again at %s: %s", name, following, exc)
            tx.execute(_FAILED, {"name": name, "next": following, "error": f"{type(exc).__name__}: {exc}"[:4000]})
            return False
        tx.execute(_DONE, {"name": name, "next": following, "now": now})
    return True


def poll_seconds(every: float) -> float:
    return min(every / POLLS_PER_PERIOD, MAX_POLL_SECONDS)


class PeriodicTimer(Timer):
    """A timer whose period is read when its container starts; each tick gets that period."""

    def __init__(self, every: float | Callable[[], float], **kwargs: Any) -> None:
        self.every = every
        self.period = timedelta(0)
        super().__init__(interval=0, eager=True, **kwargs)

    def setup(self) -> None:
        seconds = float(self.every() if callable(self.every) else self.every)
        if not seconds > 0:
            raise ValueError(f"a periodic job's period must be positive, not {seconds}")
        self.period = timedelta(seconds=seconds)
        self.interval = poll_seconds(seconds)

    def handle_timer_tick(self) -> None:
        self.container.spawn_worker(self, (self.period,), {}, handle_result=self.handle_result)


def periodic(name: str, every: float | Callable[[], float]) -> Callable:
    """Decorate ``method(self, tx, now)`` to run once per ``every`` seconds across all replicas;
    ``every`` may be a function (a setting), called when each container starts."""
    def decorator(method: Callable) -> Callable:
        @functools.wraps(method)
        def tick(self: Any, period: timedelta) -> bool:
            return run_if_due(self.db, name, period, lambda tx, now: method(self, tx, now))
        return PeriodicTimer.decorator(every=every)(tick)  # by keyword: a lone function would be the decorated one
    return decorator
