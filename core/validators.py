"""Bounds every app's record dates share: nothing the work records describe happened before the
system's era (a visit dated 1900-01-01 is a typing slip, not history)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST_RECORD_DATE = dt.date(2000, 1, 1)


def check_record_date(value: dt.date, field: str, *, latest: dt.date | None = None) -> None:
    """Refuse a record date before ``EARLIEST_RECORD_DATE`` (code ``too_early``) or after ``latest``
    (code ``future``), as a ValidationError on ``field``."""
    if value < EARLIEST_RECORD_DATE:
        raise ValidationError({field: ValidationError(
            _("The date cannot be earlier than %(date)s."), code="too_early",
            params={"date": EARLIEST_RECORD_DATE.isoformat()})})
    if latest is not None and value > latest:
        raise ValidationError({field: ValidationError(_("The date cannot be later than %(date)s."), code="future",
                                                      params={"date": latest.isoformat()})})
