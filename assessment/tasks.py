"""Celery tasks of the assessment system: thin, explicit names, calling the services."""
from celery import shared_task

from .services import regular


@shared_task(name="assessment.quarterly_open")
def quarterly_open(period: str | None = None) -> dict:
    """Open the regular assessments of the quarter that just ended (or ``period``)."""
    return regular.regular_open(period=period)


@shared_task(name="assessment.lapses_record")
def lapses_record(period: str | None = None) -> dict:
    """Daily: record the lapses of the quarter whose deadlines have passed."""
    return regular.lapses_record(period=period)
