"""Background work of the organisation system. Tasks only call services (``org.services.imports``)."""
from celery import shared_task

from .services import imports


@shared_task(name="org.roster_import", acks_late=True)
def roster_import_task(import_record_id: int) -> str:
    """Run a queued roster import (claimed once: a redelivered message finds it no longer queued)."""
    return imports.roster_import_run(import_record_id=import_record_id)
