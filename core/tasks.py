"""Handing work to Celery by task name, so that layers point one way: tasks import services, services
enqueue tasks through these helpers and import neither a tasks module nor the Celery app object.

Every task is declared with an explicit name (``@shared_task(name="app.verb")``). A signature's
``delay()`` resolves the registered task: with ``CELERY_TASK_ALWAYS_EAGER`` (the embedded default, no
broker) it runs in this process, otherwise it is published to the broker. A web process registers
tasks only when their module is imported, so a name not yet registered makes the apps' ``tasks``
modules load once (a worker loads them at start).
"""
from __future__ import annotations

import logging
from typing import Callable

from celery import current_app, signature
from celery.exceptions import NotRegistered
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

log = logging.getLogger("suxian.tasks")


def enqueue(task_name: str, *args):
    """Run or publish ``task_name(*args)`` now; broker errors are raised to the caller. For callers
    that must tell their user the queue is down, after their own transaction has committed."""
    if task_name not in current_app.tasks:
        autodiscover_modules("tasks")
    if current_app.conf.task_always_eager and task_name not in current_app.tasks:
        raise NotRegistered(task_name)  # eager: never fall back to publishing a name nobody runs here
    return signature(task_name, args=args).delay()


def enqueue_on_commit(task_name: str, *args, on_error: Callable[[Exception], None] | None = None) -> None:
    """After the current transaction commits, ``enqueue`` the task. A broker outage never fails the
    request (the rows the task works on are committed already): it is handed to ``on_error``, or
    logged."""

    def send():
        try:
            enqueue(task_name, *args)
        except Exception as exc:  # noqa: BLE001 - any broker/transport error must not fail the request
            if on_error is None:
                log.warning("%s not queued (broker unavailable)", task_name, exc_info=True)
            else:
                on_error(exc)

    transaction.on_commit(send)
