"""The time-limit table is set through ``time_limit_set`` (district only, one audit row), from the admin too."""
import pytest
from django.core.exceptions import ValidationError

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from supervision import services
from supervision.models import TimeLimit
from tests.security.test_admin_grant_delete import staff

pytestmark = pytest.mark.django_db


def test_the_district_sets_a_time_limit_with_one_audit_row(tree):
    admin = tree.users["district"]
    limit = services.time_limit_set(actor=admin, category="labour", level="community", days=7)
    assert TimeLimit.objects.get(pk=limit.pk).days == 7
    services.time_limit_set(actor=admin, category="labour", level="community", days=9)
    services.time_limit_set(actor=admin, category="labour", level="community", days=9)  # unchanged: no row
    rows = list(AuditLog.objects.filter(action="time_limit.set").order_by("pk"))
    assert [(r.before, r.after) for r in rows][1] == ({"days": 7}, {"days": 9})
    assert len(rows) == 2 and {r.unit_id for r in rows} == {tree.district.pk}
    assert TimeLimit.objects.get(category="labour", level="community").days == 9


@pytest.mark.parametrize("persona", ["street", "community", "leader", "norole", "other_street"])
def test_only_the_district_sets_time_limits(tree, persona):
    TimeLimit.objects.create(category="labour", level="street", days=20)
    before = table_fingerprint([TimeLimit, AuditLog])
    with pytest.raises(ScopeDenied):
        services.time_limit_set(actor=tree.users[persona], category="labour", level="street", days=3)
    with pytest.raises(ScopeDenied):
        services.time_limit_delete(actor=tree.users[persona], time_limit=TimeLimit.objects.get())
    assert table_fingerprint([TimeLimit, AuditLog]) == before


def test_bad_days_are_refused(tree):
    before = table_fingerprint([TimeLimit, AuditLog])
    with pytest.raises(ValidationError):
        services.time_limit_set(actor=tree.users["district"], category="labour", level="street", days=0)
    assert table_fingerprint([TimeLimit, AuditLog]) == before


def test_the_admin_list_edits_through_the_service(client, tree):
    a = TimeLimit.objects.create(category="labour", level="street", days=20)
    b = TimeLimit.objects.create(category="labour", level="community", days=7)
    client.force_login(staff(tree, "district"))
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": a.pk, "form-0-days": "15", "form-1-id": b.pk,
            "form-1-days": "7", "_save": "Save"}
    assert client.post("/admin/supervision/timelimit/", data).status_code == 302
    assert TimeLimit.objects.get(pk=a.pk).days == 15
    log = AuditLog.objects.get(action="time_limit.set")
    assert log.actor_username == "district" and log.after == {"days": 15}
    assert client.post(f"/admin/supervision/timelimit/{b.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not TimeLimit.objects.filter(pk=b.pk).exists()
    assert AuditLog.objects.filter(action="time_limit.delete", object_id=str(b.pk)).exists()


def test_the_admin_is_closed_below_the_district(client, tree):
    limit = TimeLimit.objects.create(category="labour", level="street", days=20)
    client.force_login(staff(tree, "street"))
    before = table_fingerprint([TimeLimit, AuditLog])
    assert client.get("/admin/supervision/timelimit/").status_code == 403
    assert client.post(f"/admin/supervision/timelimit/{limit.pk}/change/", {"days": "1"}).status_code in (302, 403)
    assert table_fingerprint([TimeLimit, AuditLog]) == before
