"""Referral time limits: bank holidays, working days, settings, London dates, academic years."""
import random
from datetime import date, datetime, timedelta, timezone

import pytest

from services.support.time_limits import (
    BANK_HOLIDAYS,
    TimeLimits,
    academic_year,
    academic_year_bounds,
    add_working_days,
    bank_holidays,
    easter_sunday,
    is_working_day,
    london_today,
    working_days_between,
)

GOV_UK_BANK_HOLIDAYS = {
    2024: {date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6), date(2024, 5, 27),
           date(2024, 8, 26), date(2024, 12, 25), date(2024, 12, 26)},
    2025: {date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26),
           date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26)},
    2026: {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 25),
           date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)},
    2027: {date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3), date(2027, 5, 31),
           date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28)},
}


def limits(**env: str) -> TimeLimits:
    return TimeLimits.from_environment(env)


@pytest.mark.parametrize("year", sorted(GOV_UK_BANK_HOLIDAYS))
def test_the_computed_bank_holidays_are_gov_uks(year):
    assert bank_holidays(year) == GOV_UK_BANK_HOLIDAYS[year]
    assert {day for day in BANK_HOLIDAYS if day.year == year} == GOV_UK_BANK_HOLIDAYS[year]


@pytest.mark.parametrize("year, easter", [(2000, date(2000, 4, 23)), (2008, date(2008, 3, 23)),
                                          (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                          (2030, date(2030, 4, 21)), (2038, date(2038, 4, 25)),
                                          (2100, date(2100, 3, 28))])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_a_holiday_on_a_weekend_moves_to_the_next_free_weekday():
    # Christmas 2027 on a Saturday, Boxing Day on Sunday: Monday 27 and Tuesday 28.
    assert {day for day in bank_holidays(2027) if day.month == 12} == {date(2027, 12, 27), date(2027, 12, 28)}
    # Christmas 2022 on a Sunday: Boxing Day keeps Monday 26, Christmas takes Tuesday 27.
    assert {day for day in bank_holidays(2022) if day.month == 12} == {date(2022, 12, 26), date(2022, 12, 27)}
    # Christmas 2026 on a Friday: only Boxing Day moves, to Monday 28.
    assert {day for day in bank_holidays(2026) if day.month == 12} == {date(2026, 12, 25), date(2026, 12, 28)}
    # New Year's Day 2028 on a Saturday, 2034 on a Sunday: the Monday after.
    assert date(2028, 1, 3) in bank_holidays(2028) and date(2028, 1, 1) not in bank_holidays(2028)
    assert date(2034, 1, 2) in bank_holidays(2034) and date(2034, 1, 1) not in bank_holidays(2034)


def test_every_year_from_2000_to_2100_has_eight_weekday_holidays_and_no_others():
    assert {day.year for day in BANK_HOLIDAYS} == set(range(2000, 2101))
    assert len(BANK_HOLIDAYS) == 8 * 101
    assert all(day.weekday() < 5 for day in BANK_HOLIDAYS)


def test_one_off_holidays_are_not_computed():
    # The 2023 coronation holiday, and the 2022 jubilee (spring holiday moved to Thursday 2 June).
    assert date(2023, 5, 8) not in BANK_HOLIDAYS
    assert date(2022, 6, 2) not in BANK_HOLIDAYS and date(2022, 6, 3) not in BANK_HOLIDAYS


def test_a_working_day_is_a_weekday_that_is_not_a_holiday():
    assert is_working_day(date(2026, 5, 22), BANK_HOLIDAYS)  # Friday
    assert not is_working_day(date(2026, 5, 23), BANK_HOLIDAYS)  # Saturday
    assert not is_working_day(date(2026, 5, 24), BANK_HOLIDAYS)  # Sunday
    assert not is_working_day(date(2026, 5, 25), BANK_HOLIDAYS)  # spring bank holiday
    assert is_working_day(date(2026, 5, 25), frozenset())


def test_adding_working_days_skips_weekends_and_holidays():
    assert add_working_days(date(2026, 6, 5), 1, BANK_HOLIDAYS) == date(2026, 6, 8)  # Friday -> Monday
    assert add_working_days(date(2026, 6, 3), 0, BANK_HOLIDAYS) == date(2026, 6, 3)
    assert add_working_days(date(2026, 6, 6), 1, BANK_HOLIDAYS) == date(2026, 6, 8)  # Saturday -> Monday
    assert add_working_days(date(2026, 6, 6), 0, BANK_HOLIDAYS) == date(2026, 6, 6)
    # Friday before the spring bank holiday Monday 25 May: Tuesday.
    assert add_working_days(date(2026, 5, 22), 1, BANK_HOLIDAYS) == date(2026, 5, 26)
    assert add_working_days(date(2026, 5, 22), 1, frozenset()) == date(2026, 5, 25)
    # Thursday before Easter 2026: Good Friday 3 April, weekend, Easter Monday 6 April.
    assert add_working_days(date(2026, 4, 2), 1, BANK_HOLIDAYS) == date(2026, 4, 7)
    assert add_working_days(date(2026, 6, 1), 10, BANK_HOLIDAYS) == date(2026, 6, 15)


def test_adding_working_days_across_christmas_and_new_year():
    # Wed 23 Dec 2026: Thu 24 counts, Fri 25, the weekend and Mon 28 (Boxing Day's substitute) do not.
    assert add_working_days(date(2026, 12, 23), 1, BANK_HOLIDAYS) == date(2026, 12, 24)
    assert add_working_days(date(2026, 12, 23), 2, BANK_HOLIDAYS) == date(2026, 12, 29)
    # Wed 30 Dec 2026: Thu 31, then New Year's Day and the weekend, Mon 4 Jan 2027.
    assert add_working_days(date(2026, 12, 30), 2, BANK_HOLIDAYS) == date(2027, 1, 4)
    # 24 Dec 2027 (Friday): Mon 27 and Tue 28 are the substitute days.
    assert add_working_days(date(2027, 12, 24), 1, BANK_HOLIDAYS) == date(2027, 12, 29)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 1), -1, BANK_HOLIDAYS)


def test_working_days_between_counts_after_start_up_to_and_including_end():
    assert working_days_between(date(2026, 6, 5), date(2026, 6, 8), BANK_HOLIDAYS) == 1  # Friday to Monday
    assert working_days_between(date(2026, 6, 5), date(2026, 6, 7), BANK_HOLIDAYS) == 0  # to Sunday
    assert working_days_between(date(2026, 6, 8), date(2026, 6, 8), BANK_HOLIDAYS) == 0
    assert working_days_between(date(2026, 6, 8), date(2026, 6, 1), BANK_HOLIDAYS) == 0
    # Thu 24, Tue 29, Wed 30, Thu 31 Dec, Mon 4 Jan; without holidays also Fri 25, Mon 28, Fri 1.
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4), BANK_HOLIDAYS) == 5
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 4), frozenset()) == 8


def test_working_days_between_agrees_with_counting_day_by_day():
    rng = random.Random(7)
    extra = frozenset({date(2027, 5, 7), date(2027, 6, 5), date(2026, 12, 26)})  # a Friday and two Saturdays
    for holidays in (BANK_HOLIDAYS, frozenset(), BANK_HOLIDAYS | extra, set(BANK_HOLIDAYS)):
        for _ in range(300):
            start = date(2025, 1, 1) + timedelta(days=rng.randrange(1200))
            end = start + timedelta(days=rng.randrange(-10, 800))
            by_day = sum(1 for n in range(1, (end - start).days + 1)
                         if is_working_day(start + timedelta(days=n), holidays))
            assert working_days_between(start, end, holidays) == by_day, (start, end)


def test_working_days_between_undoes_adding_them():
    start = date(2026, 12, 18)
    for days in range(0, 30):
        assert working_days_between(start, add_working_days(start, days, BANK_HOLIDAYS), BANK_HOLIDAYS) == days


def test_the_default_time_limits_by_priority():
    time_limits = limits()
    assert dict(time_limits.days_by_priority) == {"urgent": 2, "high": 5, "medium": 10, "low": 20}
    assert time_limits.holidays == BANK_HOLIDAYS
    opened_on = date(2026, 12, 23)
    assert time_limits.match_due_on(opened_on, "urgent") == date(2026, 12, 29)
    assert time_limits.match_due_on(opened_on, "high") == date(2027, 1, 4)
    assert time_limits.match_due_on(opened_on, "medium") == date(2027, 1, 11)
    assert time_limits.match_due_on(opened_on, "low") == date(2027, 1, 25)


def test_an_unknown_priority_has_no_time_limit():
    with pytest.raises(ValueError, match="'critical'"):
        limits().match_due_on(date(2026, 6, 1), "critical")


def test_overdue_only_after_the_due_day():
    time_limits = limits()
    assert not time_limits.is_overdue(date(2026, 6, 5), date(2026, 6, 4))
    assert not time_limits.is_overdue(date(2026, 6, 5), date(2026, 6, 5))
    assert time_limits.is_overdue(date(2026, 6, 5), date(2026, 6, 6))


def test_time_limits_and_extra_holidays_come_from_settings():
    time_limits = limits(SUPPORT_TIME_LIMITS=" urgent = 1, low=30 ", SUPPORT_EXTRA_HOLIDAYS="2026-06-08,2026-06-09")
    assert dict(time_limits.days_by_priority) == {"urgent": 1, "high": 5, "medium": 10, "low": 30}
    assert time_limits.holidays == BANK_HOLIDAYS | {date(2026, 6, 8), date(2026, 6, 9)}
    assert time_limits.match_due_on(date(2026, 6, 5), "urgent") == date(2026, 6, 10)
    assert limits(SUPPORT_TIME_LIMITS="", SUPPORT_EXTRA_HOLIDAYS=" ") == limits()


def test_the_environment_is_read_when_asked(monkeypatch):
    monkeypatch.setenv("SUPPORT_TIME_LIMITS", "high=3")
    monkeypatch.setenv("SUPPORT_EXTRA_HOLIDAYS", "2026-06-08")
    time_limits = TimeLimits.from_environment()
    assert time_limits.days_by_priority["high"] == 3
    assert date(2026, 6, 8) in time_limits.holidays


def test_the_time_limits_cannot_be_changed_afterwards():
    time_limits = limits()
    with pytest.raises(TypeError):
        time_limits.days_by_priority["urgent"] = 1
    assert limits().days_by_priority["urgent"] == 2


@pytest.mark.parametrize("value, bad_part", [
    ("urgent", "'urgent'"),
    ("urgent=two", "'urgent=two'"),
    ("urgent=-1", "'urgent=-1'"),
    ("urgent=1.5", "'urgent=1.5'"),
    ("urgnet=2", "'urgnet=2'"),
    ("urgent=2,", "''"),
    ("urgent=0", "'urgent=0'"),
    ("urgent=2,urgent=3", "'urgent' is given more than once"),
])
def test_a_malformed_time_limits_setting_is_refused_by_name(value, bad_part):
    with pytest.raises(ValueError) as refused:
        limits(SUPPORT_TIME_LIMITS=value)
    assert str(refused.value).startswith("SUPPORT_TIME_LIMITS: ")
    assert bad_part in str(refused.value)


@pytest.mark.parametrize("value, bad_part", [
    ("2026-13-01", "'2026-13-01'"),
    ("2026-06-08,tomorrow", "'tomorrow'"),
    ("20260608", "'20260608'"),
    ("2026-W24-1", "'2026-W24-1'"),
    ("2026-6-8", "'2026-6-8'"),
    ("2026-06-08,,2026-06-09", "''"),
])
def test_a_malformed_extra_holidays_setting_is_refused_by_name(value, bad_part):
    with pytest.raises(ValueError) as refused:
        limits(SUPPORT_EXTRA_HOLIDAYS=value)
    assert str(refused.value).startswith("SUPPORT_EXTRA_HOLIDAYS: ")
    assert bad_part in str(refused.value)


def test_london_today_in_summer_time_and_in_winter():
    assert london_today(datetime(2026, 6, 30, 22, 59, tzinfo=timezone.utc)) == date(2026, 6, 30)
    assert london_today(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)) == date(2026, 7, 1)
    assert london_today(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)) == date(2026, 12, 31)
    assert london_today(datetime(2027, 1, 1, 0, 0, tzinfo=timezone.utc)) == date(2027, 1, 1)
    new_york = timezone(timedelta(hours=-5))
    assert london_today(datetime(2026, 12, 31, 19, 30, tzinfo=new_york)) == date(2027, 1, 1)


def test_london_today_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        london_today(datetime(2026, 6, 30, 23, 30))


def test_the_academic_year_runs_from_september_to_august():
    assert academic_year(date(2026, 8, 31)) == 2025
    assert academic_year(date(2026, 9, 1)) == 2026
    assert academic_year(date(2026, 1, 1)) == 2025
    assert academic_year(date(2026, 12, 31)) == 2026
    assert academic_year_bounds(2025) == (date(2025, 9, 1), date(2026, 8, 31))
    first, last = academic_year_bounds(2027)
    assert academic_year(first) == academic_year(last) == 2027
    assert academic_year(first - timedelta(days=1)) == 2026 and academic_year(last + timedelta(days=1)) == 2028
