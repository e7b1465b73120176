"""Celery tasks of the work cycle: thin, take the period as an argument (None = the period that just
ended, Asia/Shanghai), and call the services. Idempotent through the CycleRun claims."""
from celery import shared_task

from .services import cycle
from .services.notifications import notification_deliver


@shared_task(name="supervision.daily_cycle")
def daily_cycle(period: str | None = None) -> dict:
    return cycle.daily_cycle_run(period=period)


@shared_task(name="supervision.weekly_cycle")
def weekly_cycle(period: str | None = None) -> dict:
    return cycle.weekly_cycle_run(period=period)


@shared_task(name="supervision.monthly_cycle")
def monthly_cycle(period: str | None = None) -> dict:
    return cycle.monthly_cycle_run(period=period)


@shared_task(name="supervision.quarterly_cycle")
def quarterly_cycle(period: str | None = None) -> dict:
    return cycle.quarterly_cycle_run(period=period)


@shared_task(name="supervision.notification_deliver")
def notification_deliver_task(notification_ids: list[int]) -> int:
    return notification_deliver(notification_ids=notification_ids)
