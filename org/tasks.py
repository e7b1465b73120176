"""Background work of the organisation system. Tasks only call services.

``roster_import_enqueue`` stores the upload with a queued ``ImportRecord`` and hands it to
``roster_import_task``. With no broker configured (the embedded default) Celery runs the task in-process.
If the broker is down, the caller gets ``ImportQueueUnavailable`` (a clear, translated message) and the
record is marked failed with its stored file removed: never a half-saved upload waiting forever.
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, unit_in_scope
from core.spreadsheets import SpreadsheetError

from .imports import roster_import
from .models import ImportKind, ImportRecord, ImportState

logger = logging.getLogger(__name__)


class ImportQueueUnavailable(Exception):
    """The task queue could not be reached; nothing was imported and the upload was discarded."""

    def __init__(self):
        super().__init__(_("The background import queue is not available right now. Nothing was imported; "
                           "please try again later or ask the administrator."))


def roster_import_enqueue(*, actor, content: bytes, filename: str, unit, dry_run: bool = False) -> ImportRecord:
    """Store the upload with a queued import record and start the background import."""
    if unit is None or not unit_in_scope(actor, Action.IMPORT, unit):
        raise ScopeDenied(Action.IMPORT)
    if len(content) > settings.IMPORT_MAX_FILE_BYTES:
        from django.template.defaultfilters import filesizeformat

        raise SpreadsheetError("too_large", _("The file is too large (the limit is %(limit)s).") % {
            "limit": filesizeformat(settings.IMPORT_MAX_FILE_BYTES)})
    with transaction.atomic():
        record = ImportRecord(kind=ImportKind.ROSTER, unit=unit, file_name=filename[:200], dry_run=dry_run,
                              created_by=actor, state=ImportState.QUEUED)
        record.file.save(filename[-80:], ContentFile(content), save=False)
        record.save()
    try:
        roster_import_task.delay(record.pk)
    except Exception as exc:  # kombu OperationalError, ConnectionError, timeouts…
        if settings.CELERY_TASK_ALWAYS_EAGER and not _is_broker_error(exc):
            raise  # an eager run failing is a bug, not an outage
        logger.warning("roster import %s: could not enqueue: %s", record.pk, exc)
        record.file.delete(save=False)
        ImportRecord.objects.filter(pk=record.pk).update(
            state=ImportState.FAILED, file="", finished_at=timezone.now(), message=str(ImportQueueUnavailable()))
        raise ImportQueueUnavailable() from exc
    record.refresh_from_db()
    return record


def _is_broker_error(exc: BaseException) -> bool:
    from kombu.exceptions import OperationalError

    return isinstance(exc, (OperationalError, ConnectionError, TimeoutError))


class _ProgressWriter:
    """Writes progress on a second connection so that other requests see it while the import's own
    transaction is still open (PostgreSQL only; SQLite allows one writer, so it reports at the end)."""

    def __init__(self, record_id: int):
        self.record_id = record_id
        self.conn = connections.create_connection("default") if connection.vendor == "postgresql" else None

    def __call__(self, rows: int) -> None:
        if self.conn is None:
            return
        with self.conn.cursor() as cur:
            cur.execute(f"UPDATE {ImportRecord._meta.db_table} SET progress = %s WHERE id = %s",
                        [rows, self.record_id])

    def close(self):
        if self.conn is not None:
            self.conn.close()


@shared_task(acks_late=True)
def roster_import_task(import_record_id: int) -> str:
    """Run a queued roster import (claimed once: a redelivered message finds it no longer queued)."""
    claimed = ImportRecord.objects.filter(pk=import_record_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING)
    if not claimed:
        return "skipped"
    record = ImportRecord.objects.select_related("created_by", "unit").get(pk=import_record_id)
    writer = _ProgressWriter(record.pk)
    try:
        with record.file.open("rb") as handle:
            result = roster_import(actor=record.created_by, source=handle, filename=record.file_name,
                                   unit=record.unit, dry_run=record.dry_run, record=record, progress=writer)
    except ScopeDenied:
        ImportRecord.objects.filter(pk=record.pk).update(
            state=ImportState.REFUSED, finished_at=timezone.now(),
            message=_("You may not import members into this unit."))
        _drop_file(record)
        return ImportState.REFUSED
    finally:
        writer.close()
    # The stored upload holds plaintext ID numbers: keep it only while a preview awaits confirmation.
    if not record.dry_run or result.record.state != ImportState.PREVIEWED:
        _drop_file(record)
    return result.record.state


def _drop_file(record: ImportRecord) -> None:
    if record.file:
        record.file.delete(save=False)
        ImportRecord.objects.filter(pk=record.pk).update(file="")
