"""The audit log page: who may read it, and that its filters narrow the rows."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.models import AuditLog
from core.testing import Case, run_matrix_case
from org import services

pytestmark = pytest.mark.django_db

AUDIT_URL = reverse("core:audit_list")


class TestAuditViewMatrix:
    # Only the district organisation department reads the audit log: there is no audit role below it,
    # so every other persona gets a 404 (the page does not exist for them).
    matrix_cases = [
        Case("audit_list", lambda t: AUDIT_URL, {"district"}),
        Case("audit_list_filtered", lambda t: AUDIT_URL + "?unit=S1&kind=write", {"district"}),
    ]

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)


def test_superuser_reads_the_audit_log(client, tree):
    client.force_login(User.objects.create_superuser("boss", password="x-Boss-2026-long"))
    r = client.get(AUDIT_URL)
    assert r.status_code == 200 and r.context["page"].paginator.count == AuditLog.objects.count()


@pytest.fixture
def writes(tree):
    """A few writes by different users in different subtrees."""
    services.org_unit_update(actor=tree.users["community"], unit=tree.c1, households=100)
    services.org_unit_update(actor=tree.users["street"], unit=tree.c2, households=200)
    services.org_unit_update(actor=tree.users["other_street"], unit=tree.c3, households=300)
    services.org_unit_create(actor=tree.users["other_street"], parent=tree.c3, code="P8", name="x", kind="compound")
    return tree


def _rows(client, **params):
    r = client.get(AUDIT_URL, params)
    assert r.status_code == 200
    return list(r.context["page"].paginator.object_list)


def test_filter_by_unit_subtree(client, writes):
    client.force_login(writes.users["district"])
    rows = _rows(client, unit="S2", action="org_unit.")
    assert rows and all(row.unit_tree_id == writes.s2.tree_id and writes.s2.lft <= row.unit_lft <= writes.s2.rght
                        for row in rows)
    assert "other_street" in {row.actor_username for row in rows}
    assert not {str(writes.c1.pk), str(writes.c2.pk)} & {row.object_id for row in rows}
    s1_rows = _rows(client, unit="S1", action="org_unit.update")
    assert sorted(r.object_id for r in s1_rows) == sorted([str(writes.c1.pk), str(writes.c2.pk)])


def test_filter_by_user_and_action_prefix(client, writes):
    client.force_login(writes.users["district"])
    rows = _rows(client, user="other_street")
    assert {r.action for r in rows} == {"org_unit.update", "org_unit.create"}
    rows = _rows(client, user="other_street", action="org_unit.cre")
    assert [r.action for r in rows] == ["org_unit.create"]
    rows = _rows(client, action="org_unit.update", kind="write")
    assert {r.actor_username for r in rows} == {"community", "street", "other_street"}
    assert _rows(client, kind="login_failed") == []


def test_filter_by_date(client, writes):
    client.force_login(writes.users["district"])
    today = timezone.localdate()
    assert len(_rows(client, date_from=today.isoformat(), action="org_unit.update")) == 3
    assert _rows(client, date_to=(today - datetime.timedelta(days=1)).isoformat()) == []


def test_unknown_unit_code_is_a_form_error_not_a_crash(client, writes):
    client.force_login(writes.users["district"])
    r = client.get(AUDIT_URL, {"unit": "NOPE"})
    assert r.status_code == 200 and "unit" in r.context["form"].errors
    assert r.context["page"].paginator.count == 0
    r = client.get(AUDIT_URL, {"date_from": "not-a-date"})
    assert r.status_code == 200 and "date_from" in r.context["form"].errors


def test_audit_page_is_paginated(client, tree):
    for i in range(60):
        services.org_unit_update(actor=tree.users["district"], unit=tree.c1, households=i + 1)
    client.force_login(tree.users["district"])
    r = client.get(AUDIT_URL, {"action": "org_unit.update"})
    assert r.context["page"].paginator.count == 60 and len(r.context["page"].object_list) == 50
    r = client.get(AUDIT_URL, {"action": "org_unit.update", "page": 2})
    assert len(r.context["page"].object_list) == 10
