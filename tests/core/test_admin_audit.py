"""Admin writes of the registry models go through their services or, where a model has none, leave one audit
row each: created, changed and deleted rows can be traced like any other write."""
import pytest

from core.models import AuditLog
from org.models import Grid, NewDomainOrg, OutsideUnit
from tests.security.test_admin_grant_delete import staff

pytestmark = pytest.mark.django_db


def staff_client(client, tree, name="district"):
    user = staff(tree, name)
    client.force_login(user)
    return user


def actions(model_name):
    return list(AuditLog.objects.filter(action__startswith=f"{model_name}.").order_by("id")
                .values_list("action", "actor_username"))


def test_new_domain_org_admin_writes_through_the_services(client, tree):
    user = staff_client(client, tree)
    data = {"kind": "office_building", "code": "ND-A1", "name": "金融大厦", "unit": tree.c1.pk, "party_org_type": "",
            "party_secretary": "", "address": ""}
    assert client.post("/admin/org/newdomainorg/add/", data).status_code == 302
    org = NewDomainOrg.objects.get(code="ND-A1")
    assert client.post(f"/admin/org/newdomainorg/{org.pk}/change/", {**data, "name": "金融中心"}).status_code == 302
    assert client.post(f"/admin/org/newdomainorg/{org.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not NewDomainOrg.objects.filter(pk=org.pk).exists()
    assert actions("new_domain_org") == [("new_domain_org.create", user.username),
                                         ("new_domain_org.update", user.username)]
    assert actions("newdomainorg") == [("newdomainorg.delete", user.username)]
    deleted = AuditLog.objects.get(action="newdomainorg.delete")
    assert deleted.before["code"] == "ND-A1" and deleted.unit_id == tree.c1.pk


def test_outside_unit_admin_writes_through_the_services(client, tree):
    user = staff_client(client, tree)
    data = {"kind": "district_department", "code": "QZ-A1", "name": "区住建局", "short_name": "住建局",
            "registered_at": tree.district.pk, "contact": "", "phone": "", "is_active": "on"}
    assert client.post("/admin/org/outsideunit/add/", data).status_code == 302
    ou = OutsideUnit.objects.get(code="QZ-A1")
    assert client.post(f"/admin/org/outsideunit/{ou.pk}/change/", {**data, "phone": "07312345678"}).status_code == 302
    assert OutsideUnit.objects.get(pk=ou.pk).phone == "07312345678"
    assert actions("outside_unit") == [("outside_unit.create", user.username), ("outside_unit.update", user.username)]


def test_models_without_a_service_are_audited_by_the_admin_fallback(client, tree):
    user = staff_client(client, tree)
    data = {"community": tree.c1.pk, "code": "G-A1", "name": "一网格", "note": "",
            "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"}
    response = client.post("/admin/org/grid/add/", data)
    assert response.status_code == 302, response.content[:2000]
    grid = Grid.objects.get(code="G-A1")
    assert client.post(f"/admin/org/grid/{grid.pk}/change/", {**data, "name": "第一网格"}).status_code == 302
    assert client.post(f"/admin/org/grid/{grid.pk}/delete/", {"post": "yes"}).status_code == 302
    assert [a for a, _u in actions("grid")] == ["grid.create", "grid.update", "grid.delete"]
    update = AuditLog.objects.get(action="grid.update")
    assert update.before["name"] == "一网格" and update.after["name"] == "第一网格"
    assert {u for _a, u in actions("grid")} == {user.username}


def test_an_admin_write_out_of_scope_leaves_nothing(client, tree):
    staff_client(client, tree, "other_street")
    data = {"kind": "office_building", "code": "ND-X1", "name": "越界大厦", "unit": tree.c1.pk, "party_org_type": "",
            "party_secretary": "", "address": ""}
    response = client.post("/admin/org/newdomainorg/add/", data)
    assert response.status_code in (200, 403)  # the unit is not among the choices: a form error
    assert not NewDomainOrg.objects.filter(code="ND-X1").exists()
    assert not AuditLog.objects.filter(action__startswith="new_domain_org.").exists()
