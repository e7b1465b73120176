"""Periods of the work cycle and their boundaries, always in Asia/Shanghai.

Keys: daily ``2026-11-26``, weekly ``2026-W47`` (ISO week; week 53 exists only in long ISO years),
monthly ``2026-11``, quarterly ``2026-Q4``. ``Period.start``/``end`` are inclusive local dates.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import Cycle

TZ = ZoneInfo("Asia/Shanghai")

_PATTERNS = {
    Cycle.DAILY: re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
    Cycle.WEEKLY: re.compile(r"^(\d{4})-W(\d{2})$"),
    Cycle.MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    Cycle.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
}


@dataclass(frozen=True)
class Period:
    cycle: str
    key: str
    start: dt.date
    end: dt.date

    def __str__(self):
        return self.key

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def month(self) -> str:
        """The month the period ends in (notices and interviews are counted per month)."""
        return f"{self.end.year:04d}-{self.end.month:02d}"

    def previous(self) -> "Period":
        return period_containing(self.cycle, self.start - dt.timedelta(days=1))

    def next(self) -> "Period":
        return period_containing(self.cycle, self.end + dt.timedelta(days=1))


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def iso_weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return dt.date(year, 12, 28).isocalendar()[1]


def parse_period(cycle: str, key: str) -> Period:
    """The period of ``cycle`` named ``key``; ValidationError (code ``bad_period``) if malformed."""
    cycle = Cycle(cycle)
    match = _PATTERNS[cycle].match((key or "").strip())
    bad = ValidationError(_("“%(key)s” is not a valid %(cycle)s period.") % {"key": key, "cycle": cycle.label},
                          code="bad_period")
    if not match:
        raise bad
    nums = [int(g) for g in match.groups()]
    try:
        if cycle == Cycle.DAILY:
            start = end = dt.date(*nums)
        elif cycle == Cycle.WEEKLY:
            year, week = nums
            if not 1 <= week <= iso_weeks_in_year(year):
                raise bad
            start = dt.date.fromisocalendar(year, week, 1)
            end = start + dt.timedelta(days=6)
        elif cycle == Cycle.MONTHLY:
            year, month = nums
            start, end = dt.date(year, month, 1), _month_end(year, month)
        else:
            year, quarter = nums
            start = dt.date(year, 3 * quarter - 2, 1)
            end = _month_end(year, 3 * quarter)
    except ValueError:
        raise bad from None
    return Period(cycle.value, key.strip(), start, end)


def period_containing(cycle: str, day: dt.date) -> Period:
    cycle = Cycle(cycle)
    if cycle == Cycle.DAILY:
        key = day.isoformat()
    elif cycle == Cycle.WEEKLY:
        year, week, _weekday = day.isocalendar()
        key = f"{year:04d}-W{week:02d}"
    elif cycle == Cycle.MONTHLY:
        key = f"{day.year:04d}-{day.month:02d}"
    else:
        key = f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return parse_period(cycle, key)


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Asia/Shanghai (whatever the server's or Django's time zone)."""
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = timezone.make_aware(now, dt.timezone.utc)
    return now.astimezone(TZ).date()


def just_ended(cycle: str, now: dt.datetime | None = None) -> Period:
    """The latest period of ``cycle`` that is over at ``now`` (Asia/Shanghai): the default of the
    beat tasks and of ``run_cycle``."""
    today = local_today(now)
    return period_containing(cycle, today).previous()


def resolve_period(cycle: str, key: str | None = None, now: dt.datetime | None = None) -> Period:
    return parse_period(cycle, key) if key else just_ended(cycle, now)
