"""Writes of import records: the roster import queued for the background and run there.

``roster_import_enqueue`` stores the upload with a queued ``ImportRecord`` (one audit row) and hands it
to the ``org.roster_import`` task, which calls ``roster_import_run``. With no broker configured (the
embedded default) Celery runs the task in-process. If the broker is down, the caller gets
``ImportQueueUnavailable`` (a clear, translated message) and the record is marked failed with its stored
file removed: never a half-saved upload waiting forever.

Not re-exported from ``org.services``: it runs ``org.imports.roster_import``, which itself builds on
``org.services.members``; import it as ``org.services.imports``.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_write
from core.scoping import Action, ScopeDenied, require_scope
from core.spreadsheets import SpreadsheetError
from core.tasks import enqueue

from ..imports import roster_import
from ..models import ImportKind, ImportRecord, ImportState, OrgUnit

logger = logging.getLogger(__name__)

ROSTER_IMPORT_TASK = "org.roster_import"


class ImportQueueUnavailable(Exception):
    """The task queue could not be reached; nothing was imported and the upload was discarded."""

    def __init__(self):
        super().__init__(_("The background import queue is not available right now. Nothing was imported; "
                           "please try again later or ask the administrator."))


def _record_summary(record: ImportRecord) -> dict:
    return {"kind": record.kind, "file_name": record.file_name, "dry_run": record.dry_run, "state": record.state,
            "unit_id": record.unit_id, "message": record.message}


def _require_import(actor, unit) -> None:
    require_scope(actor, Action.IMPORT, unit)


@transaction.atomic
def import_record_queue(*, actor, content: bytes, filename: str, unit, dry_run: bool = False) -> ImportRecord:
    """Store an upload with a queued roster import record (nothing is imported yet)."""
    _require_import(actor, unit)
    if len(content) > settings.IMPORT_MAX_FILE_BYTES:
        from django.template.defaultfilters import filesizeformat

        raise SpreadsheetError("too_large", _("The file is too large (the limit is %(limit)s).") % {
            "limit": filesizeformat(settings.IMPORT_MAX_FILE_BYTES)})
    record = ImportRecord(kind=ImportKind.ROSTER, unit=unit, file_name=filename[:200], dry_run=dry_run,
                          created_by=actor, state=ImportState.QUEUED)
    record.file.save(filename[-80:], ContentFile(content), save=False)
    try:
        record.full_clean(exclude=["file"])
        record.save()
        _require_import(actor, OrgUnit.objects.get(pk=unit.pk))
        audit_write(actor=actor, action="import_record.queue", obj=record, after=_record_summary(record))
    except BaseException:
        record.file.delete(save=False)  # the row rolls back: the stored upload must not stay behind
        raise
    return record


def _drop_file(record: ImportRecord) -> None:
    """The stored upload holds plaintext ID numbers: remove it (and its name on the record)."""
    if record.file:
        record.file.delete(save=False)
        ImportRecord.objects.filter(pk=record.pk).update(file="")


@transaction.atomic
def import_record_end(*, actor, record: ImportRecord, state: str, message: str) -> ImportRecord:
    """End an import that did not run (the queue was down: FAILED; the importer lost scope: REFUSED):
    the upload removed, the reason kept on the record, one audit row."""
    if state not in (ImportState.FAILED, ImportState.REFUSED):
        raise ValueError(f"an import is not ended as {state}")
    record = ImportRecord.objects.select_for_update().get(pk=record.pk)
    before = _record_summary(record)
    _drop_file(record)
    record.state, record.message, record.finished_at, record.file = state, message, timezone.now(), ""
    record.save(update_fields=["state", "message", "finished_at"])
    audit_write(actor=actor, action=f"import_record.{state}", obj=record, before=before,
                after=_record_summary(record))
    return record


def _is_broker_error(exc: BaseException) -> bool:
    from kombu.exceptions import OperationalError

    return isinstance(exc, (OperationalError, ConnectionError, TimeoutError))


def roster_import_enqueue(*, actor, content: bytes, filename: str, unit, dry_run: bool = False) -> ImportRecord:
    """Store the upload with a queued import record and start the background import.

    Not one transaction on purpose: the record commits before the task is sent (a worker reads it from
    the database), and the caller learns at once when the queue is down (``ImportQueueUnavailable``;
    the record is then ended as failed)."""
    if unit is None:
        raise ScopeDenied(Action.IMPORT)
    record = import_record_queue(actor=actor, content=content, filename=filename, unit=unit, dry_run=dry_run)
    try:
        enqueue(ROSTER_IMPORT_TASK, record.pk)
    except Exception as exc:  # kombu OperationalError, ConnectionError, timeouts…
        if settings.CELERY_TASK_ALWAYS_EAGER and not _is_broker_error(exc):
            raise  # an eager run failing is a bug, not an outage
        logger.warning("roster import %s: could not enqueue: %s", record.pk, exc)
        import_record_end(actor=actor, record=record, state=ImportState.FAILED, message=str(ImportQueueUnavailable()))
        raise ImportQueueUnavailable() from exc
    record.refresh_from_db()
    return record


def _import_record_claim(import_record_id: int) -> ImportRecord | None:
    """Claim a queued record once (QUEUED → RUNNING): a redelivered message finds it no longer queued."""
    claimed = ImportRecord.objects.filter(pk=import_record_id, state=ImportState.QUEUED).update(
        state=ImportState.RUNNING)
    if not claimed:
        return None
    return ImportRecord.objects.select_related("created_by", "unit").get(pk=import_record_id)


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


def roster_import_run(*, import_record_id: int) -> str:
    """Run a queued roster import as its importer (what the ``org.roster_import`` task does); the
    import itself writes its audit row. Returns the record's final state, or "skipped"."""
    record = _import_record_claim(import_record_id)
    if record is None:
        return "skipped"
    writer = _ProgressWriter(record.pk)
    try:
        with record.file.open("rb") as handle:
            result = roster_import(actor=record.created_by, source=handle, filename=record.file_name,
                                   unit=record.unit, dry_run=record.dry_run, record=record, progress=writer)
    except ScopeDenied:
        import_record_end(actor=record.created_by, record=record, state=ImportState.REFUSED,
                          message=_("You may not import members into this unit."))
        return ImportState.REFUSED
    finally:
        writer.close()
    # Keep the stored upload only while a preview awaits confirmation.
    if not record.dry_run or result.record.state != ImportState.PREVIEWED:
        _drop_file(record)
    return result.record.state
