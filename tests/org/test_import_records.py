"""Import records are written by the import services: queued with one audit row, run by the task through
``roster_import_run`` (claimed once), ended as refused or failed with the upload removed."""
import datetime as dt

import pytest
from celery import current_app
from django.utils import timezone

from accounts.models import RoleGrant
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.tasks import enqueue
from core.testing import table_fingerprint
from org.models import ImportRecord, ImportState, Member, Membership
from org.services.imports import ROSTER_IMPORT_TASK, import_record_queue, roster_import_enqueue, roster_import_run
from tests.org.test_members_import import ids, row, xlsx

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditLog.objects.exclude(action__startswith="org_unit.").order_by("pk")
                .values_list("kind", "action"))


def test_enqueue_writes_one_audit_row_and_the_task_the_import_row(tree):
    record = roster_import_enqueue(actor=tree.users["community"], content=xlsx([row(n) for n in ids(2)]),
                                   filename="bg.xlsx", unit=tree.c1)
    assert record.state == ImportState.COMPLETED and Member.objects.count() == 2
    assert actions() == [(AuditLog.Kind.WRITE, "import_record.queue"), (AuditLog.Kind.IMPORT, "member.import")]
    queued = AuditLog.objects.get(action="import_record.queue")
    assert queued.actor_username == "community" and queued.unit_id == tree.c1.pk
    assert queued.after["state"] == ImportState.QUEUED and queued.object_id == str(record.pk)


@pytest.mark.parametrize("persona", ["community2", "other_street", "norole", "leader"])
def test_out_of_scope_enqueue_writes_nothing(tree, persona):
    before = table_fingerprint([ImportRecord, AuditLog, Member, Membership])
    with pytest.raises(ScopeDenied):
        roster_import_enqueue(actor=tree.users[persona], content=xlsx([row(n) for n in ids(1)]),
                              filename="x.xlsx", unit=tree.c1)
    assert table_fingerprint([ImportRecord, AuditLog, Member, Membership]) == before


def test_the_task_is_named_and_runs_in_process_by_name(tree):
    """Services enqueue by name; with CELERY_TASK_ALWAYS_EAGER the registered task runs right here."""
    record = import_record_queue(actor=tree.users["community"], content=xlsx([row(n) for n in ids(1)]),
                                 filename="n.xlsx", unit=tree.c1, dry_run=True)
    enqueue(ROSTER_IMPORT_TASK, record.pk)
    assert current_app.tasks[ROSTER_IMPORT_TASK].name == "org.roster_import"
    record.refresh_from_db()
    assert record.state == ImportState.PREVIEWED and record.file  # kept until the preview is confirmed


def test_a_record_is_claimed_once(tree):
    record = import_record_queue(actor=tree.users["community"], content=xlsx([row(n) for n in ids(1)]),
                                 filename="once.xlsx", unit=tree.c1)
    assert roster_import_run(import_record_id=record.pk) == ImportState.COMPLETED
    assert roster_import_run(import_record_id=record.pk) == "skipped"  # a redelivered message
    assert Member.objects.count() == 1


def test_an_importer_who_lost_scope_is_refused_with_an_audit_row(tree):
    user = tree.users["community"]
    record = import_record_queue(actor=user, content=xlsx([row(n) for n in ids(1)]), filename="late.xlsx",
                                 unit=tree.c1)
    grant = RoleGrant.objects.get(user=user)
    RoleGrant.objects.filter(pk=grant.pk).update(valid_from=timezone.localdate() - dt.timedelta(days=9),
                                                 valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert roster_import_run(import_record_id=record.pk) == ImportState.REFUSED
    record.refresh_from_db()
    assert record.state == ImportState.REFUSED and not record.file and record.finished_at is not None
    assert Member.objects.count() == 0
    refused = AuditLog.objects.get(action="import_record.refused")
    assert refused.before["state"] == ImportState.RUNNING and refused.after["state"] == ImportState.REFUSED


def test_an_oversize_upload_is_refused_before_anything_is_stored(tree, settings):
    from core.spreadsheets import SpreadsheetError

    settings.IMPORT_MAX_FILE_BYTES = 10
    before = table_fingerprint([ImportRecord, AuditLog])
    with pytest.raises(SpreadsheetError):
        roster_import_enqueue(actor=tree.users["community"], content=b"x" * 11, filename="big.xlsx", unit=tree.c1)
    assert table_fingerprint([ImportRecord, AuditLog]) == before
