"""Celery tasks of the governance system: thin, idempotent (unique reminder rows), calling services."""
from celery import shared_task

from .services import daily_overdue_run, weekly_floating_run


@shared_task(name="governance.daily_overdue")
def daily_overdue(day: str | None = None) -> dict:
    import datetime as dt

    return daily_overdue_run(day=dt.date.fromisoformat(day) if day else None)


@shared_task(name="governance.weekly_floating")
def weekly_floating(day: str | None = None) -> dict:
    import datetime as dt

    return weekly_floating_run(day=dt.date.fromisoformat(day) if day else None)
