"""When merged emails and daily digests go out (pure rules, settings read once per process).

``NOTIFY_MERGE_WINDOW_SECONDS`` (600): messages of a merged kind to one person
within this window of the first become one email. ``NOTIFY_DIGEST_HOUR`` (7):
the hour, London time, from which each day's digest is sent.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.chassis.config import float_setting, int_setting, setting

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Pacing:
    merge_window: timedelta
    digest_hour: int
    link_base: str

    @classmethod
    def from_environment(cls) -> "Pacing":
        window = float_setting("NOTIFY_MERGE_WINDOW_SECONDS", 600.0)
        hour = int_setting("NOTIFY_DIGEST_HOUR", 7)
        if not 0 <= window <= 86400:
            raise ValueError(f"NOTIFY_MERGE_WINDOW_SECONDS must be 0 to 86400, not {window}")
        if not 0 <= hour <= 23:
            raise ValueError(f"NOTIFY_DIGEST_HOUR must be 0 to 23, not {hour}")
        return cls(timedelta(seconds=window), hour, setting("NOTIFY_LINK_BASE", "http://127.0.0.1:8000"))

    def merged_due(self, now: datetime) -> datetime:
        """When a merged email opened by a message arriving ``now`` is sent."""
        return now + self.merge_window

    def digest_day(self, now: datetime) -> date | None:
        """The day whose digest may be sent at ``now``: today in London once its hour has come."""
        local = now.astimezone(LONDON)
        return local.date() if local.hour >= self.digest_hour else None


PACING = Pacing.from_environment()
