"""When a periodic job is next due (pure rule)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.chassis.schedule_rules import delivery_retry_seconds, next_due

T = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize("now, expected", [
    (T, T + MINUTE),                                    # on time: the next slot
    (T + timedelta(seconds=20), T + MINUTE),            # a little late: still the next slot
    (T + 3 * MINUTE + timedelta(seconds=5), T + 4 * MINUTE),  # three periods missed: run once, not four times
    (T - timedelta(seconds=5), T + MINUTE),             # early (clocks differ): the slot after this one
])
def test_the_next_slot_stays_on_the_grid(now, expected):
    assert next_due(T, now, MINUTE) == expected


def test_a_period_must_be_positive():
    with pytest.raises(ValueError):
        next_due(T, T, timedelta(0))


def test_a_failed_delivery_waits_longer_each_time_up_to_an_hour():
    waits = [delivery_retry_seconds(n) for n in range(1, 12)]
    assert waits[:4] == [10, 20, 40, 80] and max(waits) == 3600
    assert sum(delivery_retry_seconds(n) for n in range(1, 10)) > 3600  # ten attempts span over an hour
