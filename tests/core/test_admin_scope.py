import pytest

from accounts.models import RoleGrant
from accounts.roles import Role
from core.testing import table_fingerprint
from org.models import OrgUnit

pytestmark = pytest.mark.django_db


def staff(tree, name):
    user = tree.users[name]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_changelist_lists_only_the_subtree(client, tree):
    client.force_login(staff(tree, "street"))
    r = client.get("/admin/org/orgunit/")
    assert r.status_code == 200
    listed = {u.code for u in r.context["cl"].result_list}
    assert listed == {"S1", "C1", "C2", "P1", "P2", "B1"}


def test_out_of_scope_change_page_is_like_a_missing_id(client, tree):
    client.force_login(staff(tree, "community"))
    missing = client.get("/admin/org/orgunit/999999/change/")
    foreign = client.get(f"/admin/org/orgunit/{tree.c2.pk}/change/")
    assert foreign.status_code == missing.status_code == 302


def test_admin_edit_goes_through_services_and_is_audited(client, tree):
    from core.models import AuditLog

    client.force_login(staff(tree, "community"))
    url = f"/admin/org/orgunit/{tree.p1.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(name="爱莲湖小区（改）", parent=tree.c1.pk)
    r = client.post(url, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    assert OrgUnit.objects.get(pk=tree.p1.pk).name == "爱莲湖小区（改）"
    assert AuditLog.objects.filter(action="org_unit.update", object_id=str(tree.p1.pk)).exists()


def test_admin_cannot_move_into_a_foreign_subtree(client, tree):
    client.force_login(staff(tree, "community"))
    url = f"/admin/org/orgunit/{tree.p1.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert not form.fields["parent"].queryset.filter(pk=tree.c2.pk).exists()
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data["parent"] = tree.c2.pk
    before = table_fingerprint([OrgUnit])
    r = client.post(url, data)
    assert r.status_code == 200  # the form refuses the choice
    assert table_fingerprint([OrgUnit]) == before


def test_only_district_admins_grant_roles(client, tree):
    client.force_login(staff(tree, "street"))
    r = client.get("/admin/accounts/rolegrant/add/")
    assert r.status_code == 403
    client.force_login(staff(tree, "district"))
    assert client.get("/admin/accounts/rolegrant/add/").status_code == 200
    assert RoleGrant.objects.filter(role=Role.DISTRICT_ADMIN).count() == 1


def test_audit_admin_is_read_only(client, tree):
    client.force_login(staff(tree, "district"))
    assert client.get("/admin/core/auditlog/").status_code == 200
    assert client.get("/admin/core/auditlog/add/").status_code == 403
