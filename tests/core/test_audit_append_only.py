"""The audit log is append-only in the database (PostgreSQL trigger) and kept at least 180 days."""
import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from core.models import AuditLog

pytestmark = pytest.mark.django_db


def _row(days_old: int) -> AuditLog:
    """A row written ``days_old`` days ago (inserted with its time: the trigger guards UPDATE and DELETE)."""
    with connection.cursor() as cur:
        cur.execute("INSERT INTO core_auditlog (at, kind, action, actor_username, object_type, object_id, object_repr)"
                    " VALUES (%s, 'write', 'test.write', 'x', '', '', '')",
                    [timezone.now() - dt.timedelta(days=days_old)])
    return AuditLog.objects.latest("id")


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE core_auditlog SET action = 'forged' WHERE id = %s",
                                 "DELETE FROM core_auditlog WHERE id = %s"])
def test_the_database_refuses_to_change_or_delete_a_recent_row(sql):
    row = _row(0)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).action == "test.write"


@pytest.mark.postgres
def test_the_database_refuses_even_to_change_an_old_row():
    old = _row(400)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditlog SET actor_username = 'y' WHERE id = %s", [old.pk])


def test_prune_removes_only_rows_past_the_retention():
    recent, half_year, _old = _row(0), _row(170), _row(400)
    call_command("audit_prune", "--days", "365")
    assert set(AuditLog.objects.values_list("pk", flat=True)) == {recent.pk, half_year.pk}


def test_prune_refuses_a_retention_under_six_months():
    _row(200)
    with pytest.raises(CommandError):
        call_command("audit_prune", "--days", "90")
    assert AuditLog.objects.count() == 1
