"""Referral time limits, the pure rules: working days, bank holidays, London dates, academic years.

A referral must be matched within a number of working days that depends on its
priority. Working days are Monday to Friday except England and Wales bank
holidays, computed by the standing rules for 2000-2100. One-off holidays
(jubilees, coronations, a state funeral) and one-off moves of a standing
holiday (the early May holiday on Friday 8 May 2020, the spring holiday moved
to June in 2002, 2012 and 2022) are not computed: operators add one-offs with
``SUPPORT_EXTRA_HOLIDAYS``.
"""
import os
import re
from bisect import bisect_right
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

FIRST_COMPUTED_YEAR = 2000
LAST_COMPUTED_YEAR = 2100
DEFAULT_DAYS_BY_PRIORITY: Mapping[str, int] = MappingProxyType({"urgent": 2, "high": 5, "medium": 10, "low": 20})
EXTRA_HOLIDAYS_SETTING = "SUPPORT_EXTRA_HOLIDAYS"
TIME_LIMITS_SETTING = "SUPPORT_TIME_LIMITS"
LONDON = ZoneInfo("Europe/London")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SATURDAY = 5
MONDAY = 0


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day = divmod(h + weekday_offset - 7 * m + 114, 31)
    return date(year, month, day + 1)


def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays of ``year`` by the standing rules, substitute days included."""
    easter = easter_sunday(year)
    return frozenset({
        _on_or_next_weekday(date(year, 1, 1)),
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        _first_monday_on_or_after(date(year, 5, 1)),
        _first_monday_on_or_after(date(year, 5, 25)),
        _first_monday_on_or_after(date(year, 8, 25)),
        *_christmas_and_boxing_day(year),
    })


def _on_or_next_weekday(day: date) -> date:
    while day.weekday() >= SATURDAY:
        day += timedelta(days=1)
    return day


def _first_monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(MONDAY - day.weekday()) % 7)


def _christmas_and_boxing_day(year: int) -> tuple[date, date]:
    # Each falls on the first weekday from its own date that the other has not taken:
    # Christmas on a Saturday gives Monday 27 and Tuesday 28, on a Sunday Monday 26 and Tuesday 27.
    christmas = _on_or_next_weekday(date(year, 12, 25))
    boxing_day = _on_or_next_weekday(date(year, 12, 26))
    if boxing_day == christmas:
        boxing_day = _on_or_next_weekday(boxing_day + timedelta(days=1))
    return christmas, boxing_day


BANK_HOLIDAYS: frozenset[date] = frozenset().union(
    *(bank_holidays(year) for year in range(FIRST_COMPUTED_YEAR, LAST_COMPUTED_YEAR + 1)))


def is_working_day(day: date, holidays: Set[date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: Set[date]) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts; 0 gives ``start``)."""
    if days < 0:
        raise ValueError("a number of working days cannot be negative")
    day = start
    for _ in range(days):
        day += timedelta(days=1)
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date, holidays: Set[date]) -> int:
    """Working days after ``start`` up to and including ``end``; 0 when ``end`` is not after ``start``.

    Whole weeks count five weekdays each and only the days left over are looked
    at, less the holidays on weekdays in between: a referral a year overdue
    costs no more than one a day overdue (the board counts this for every
    overdue referral of a region).
    """
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    last_whole_week = start + timedelta(days=7 * weeks)
    weekdays = 5 * weeks + sum(1 for offset in range(1, rest + 1)
                               if (last_whole_week + timedelta(days=offset)).weekday() < SATURDAY)
    days_off = _weekday_holidays(holidays)
    return weekdays - (bisect_right(days_off, end) - bisect_right(days_off, start))


def _weekday_holidays(holidays: Set[date]) -> tuple[date, ...]:
    """The holidays that fall on weekdays, in order (remembered for a frozenset, as the limits hold)."""
    if isinstance(holidays, frozenset):
        return _sorted_weekday_holidays(holidays)
    return tuple(sorted(day for day in holidays if day.weekday() < SATURDAY))


@lru_cache(maxsize=8)
def _sorted_weekday_holidays(holidays: frozenset[date]) -> tuple[date, ...]:
    return tuple(sorted(day for day in holidays if day.weekday() < SATURDAY))


@dataclass(frozen=True)
class TimeLimits:
    days_by_priority: Mapping[str, int]  # working days a referral of each priority has to be matched
    holidays: frozenset[date]  # bank holidays and the operators' one-offs

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> "TimeLimits":
        """Defaults overridden by ``SUPPORT_TIME_LIMITS``, holidays plus ``SUPPORT_EXTRA_HOLIDAYS``;
        a malformed setting is a ValueError, so the service refuses to start."""
        return cls(days_by_priority=MappingProxyType(parse_time_limits(env.get(TIME_LIMITS_SETTING, ""))),
                   holidays=BANK_HOLIDAYS | parse_extra_holidays(env.get(EXTRA_HOLIDAYS_SETTING, "")))

    def match_due_on(self, opened_on: date, priority: str) -> date:
        """The last working day on which a referral opened on ``opened_on`` may still be matched."""
        if priority not in self.days_by_priority:
            raise ValueError(f"no time limit for priority {priority!r}")
        return add_working_days(opened_on, self.days_by_priority[priority], self.holidays)

    def is_overdue(self, due_on: date, today: date) -> bool:
        return today > due_on


def parse_time_limits(value: str) -> dict[str, int]:
    """``urgent=1,low=30`` over the defaults; every priority named once, each limit at least one day."""
    days_by_priority = dict(DEFAULT_DAYS_BY_PRIORITY)
    if not value.strip():
        return days_by_priority
    overridden: set[str] = set()
    for part in value.split(","):
        priority, separator, days = (text.strip() for text in part.partition("="))
        if not separator or priority not in DEFAULT_DAYS_BY_PRIORITY or not days.isascii() or not days.isdigit():
            raise ValueError(f"{TIME_LIMITS_SETTING}: {part.strip()!r} is not priority=working_days with a priority "
                             f"of {', '.join(DEFAULT_DAYS_BY_PRIORITY)}")
        if priority in overridden:
            raise ValueError(f"{TIME_LIMITS_SETTING}: {priority!r} is given more than once")
        if int(days) < 1:
            raise ValueError(f"{TIME_LIMITS_SETTING}: {part.strip()!r}: a time limit is at least one working day")
        overridden.add(priority)
        days_by_priority[priority] = int(days)
    return days_by_priority


def parse_extra_holidays(value: str) -> frozenset[date]:
    """Comma-separated ISO dates (YYYY-MM-DD); an empty setting is no extra holidays."""
    if not value.strip():
        return frozenset()
    holidays = set()
    for part in value.split(","):
        text = part.strip()
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            holidays.add(date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"{EXTRA_HOLIDAYS_SETTING}: {text!r} is not a date written YYYY-MM-DD") from None
    return frozenset(holidays)


def london_today(now: datetime) -> date:
    """The calendar date in London at the aware instant ``now``."""
    if now.utcoffset() is None:
        raise ValueError("london_today needs an aware datetime")
    return now.astimezone(LONDON).date()


def academic_year(day: date) -> int:
    """The calendar year in which the English academic year (1 September - 31 August) containing ``day`` starts."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_bounds(year: int) -> tuple[date, date]:
    """The first and last days of the academic year starting in September of ``year``."""
    return date(year, 9, 1), date(year + 1, 8, 31)
