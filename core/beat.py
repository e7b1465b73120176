"""The beat scheduler (``CELERY_BEAT_SCHEDULER``): Celery's persistent scheduler, but a periodic job that
could not be sent because the broker is down is retried until it goes, instead of being lost until its
next due time (a weekly cycle would otherwise wait a week).

Celery's own scheduler advances an entry before sending it and only logs a failed send; and it connects
to the broker on the first send with up to ``broker_connection_max_retries`` attempts, blocking the whole
loop meanwhile. Here the producer connects lazily on publish (a failed send is one logged error), the
unsent entry is kept, one per entry name (an outage never releases a burst of copies), and sent again
every ``retry_every`` seconds. The jobs are idempotent per period (their ``CycleRun`` claims), and each
defaults to the period that just ended, so a late send does the same work.
"""
from __future__ import annotations

import logging
import time

from celery.beat import PersistentScheduler
from kombu.utils.objects import cached_property

log = logging.getLogger("suxian.beat")


class RetryingScheduler(PersistentScheduler):
    retry_every = 30.0  # seconds between attempts to send a job the broker refused

    def __init__(self, *args, **kwargs):
        self.unsent: dict = {}  # entry name -> (entry, monotonic time of the next attempt)
        super().__init__(*args, **kwargs)

    @cached_property
    def producer(self):
        # No ensure_connection() here (it retries for minutes and blocks beat): connect when publishing.
        return self.Producer(self.connection, auto_declare=False)

    def apply_entry(self, entry, producer=None):
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception as exc:  # noqa: BLE001 - any transport error: keep the job and try again
            self.unsent[entry.name] = (entry, time.monotonic() + self.retry_every)
            log.error("beat: %s (%s) not sent, broker unavailable; retrying every %ss: %s",
                      entry.name, entry.task, self.retry_every, exc)
            return False
        if self.unsent.pop(entry.name, None) is not None:
            log.warning("beat: %s (%s) sent after the broker came back", entry.name, entry.task)
        return True

    def retry_unsent(self) -> None:
        now = time.monotonic()
        for name, (entry, due) in list(self.unsent.items()):
            if due <= now:
                self.apply_entry(entry, producer=self.producer)

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        if not self.unsent:
            return delay
        self.retry_unsent()
        if not self.unsent:
            return delay
        soonest = min(due for _entry, due in self.unsent.values()) - time.monotonic()
        return max(0.0, min(delay, soonest))
