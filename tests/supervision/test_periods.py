"""Period parsing and boundaries in Asia/Shanghai."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from supervision.cycles import iso_weeks_in_year, just_ended, parse_period, period_containing


@pytest.mark.parametrize(
    "cycle,key,start,end",
    [
        ("monthly", "2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        ("monthly", "2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        ("monthly", "2026-12", dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        ("quarterly", "2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("quarterly", "2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("weekly", "2026-W47", dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        ("weekly", "2026-W53", dt.date(2026, 12, 28), dt.date(2027, 1, 3)),
        ("weekly", "2027-W01", dt.date(2027, 1, 4), dt.date(2027, 1, 10)),
        ("daily", "2026-11-26", dt.date(2026, 11, 26), dt.date(2026, 11, 26)),
    ],
)
def test_boundaries(cycle, key, start, end):
    period = parse_period(cycle, key)
    assert (period.start, period.end) == (start, end)
    assert period_containing(cycle, start).key == key == period_containing(cycle, end).key


@pytest.mark.parametrize("cycle,key", [("weekly", "2025-W53"), ("weekly", "2026-W00"), ("monthly", "2026-13"),
                                       ("quarterly", "2026-Q5"), ("daily", "2026-02-30"), ("monthly", "26-1")])
def test_bad_periods(cycle, key):
    with pytest.raises(ValidationError) as err:
        parse_period(cycle, key)
    assert err.value.code == "bad_period"


def test_week_53_years():
    assert iso_weeks_in_year(2026) == 53 and iso_weeks_in_year(2025) == 52 and iso_weeks_in_year(2020) == 53


@pytest.mark.parametrize(
    "utc_now,cycle,expected",
    [
        # 2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai: the year just ended.
        (dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.timezone.utc), "monthly", "2026-12"),
        (dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.timezone.utc), "quarterly", "2026-Q4"),
        (dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.timezone.utc), "daily", "2026-12-31"),
        (dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.timezone.utc), "monthly", "2026-11"),  # still 23:30 on the 31st
        (dt.datetime(2027, 1, 3, 16, 5, tzinfo=dt.timezone.utc), "weekly", "2026-W53"),  # Monday 4 Jan 00:05
        (dt.datetime(2026, 3, 31, 16, 0, tzinfo=dt.timezone.utc), "quarterly", "2026-Q1"),  # 1 Apr 00:00
        (dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.timezone.utc), "monthly", "2026-11"),  # 1 Dec 00:00
    ],
)
def test_just_ended_in_shanghai(utc_now, cycle, expected):
    assert just_ended(cycle, utc_now).key == expected


def test_previous_and_next():
    assert parse_period("quarterly", "2026-Q1").previous().key == "2025-Q4"
    assert parse_period("weekly", "2026-W53").next().key == "2027-W01"
    assert parse_period("monthly", "2026-12").next().key == "2027-01"
