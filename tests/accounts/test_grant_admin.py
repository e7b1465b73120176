"""The admin grants, changes and ends role grants only through the accounts services: in the grant list
and inline on the user page. A delete there ends the grant (valid_to) and keeps the row."""
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from core.testing import table_fingerprint
from tests.security.test_admin_grant_delete import staff

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/rolegrant/add/"


def change_url(grant):
    return f"/admin/accounts/rolegrant/{grant.pk}/change/"


class _FormFields(HTMLParser):
    """The values a browser would submit from a page's form (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._multiple, self._textarea = {}, None, False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in a
            self.data[name] = [] if self._multiple else ""
        elif tag == "option" and self._select and "selected" in a:
            if self._multiple:
                self.data[self._select].append(a.get("value", ""))
            else:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(client, url) -> dict:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def grant_actions():
    return list(AuditLog.objects.filter(action__startswith="role_grant.").order_by("pk")
                .values_list("action", "actor_username"))


def test_grant_list_creates_changes_and_ends_through_the_services(client, tree):
    admin = staff(tree, "district")
    client.force_login(admin)
    today = timezone.localdate()
    data = {"user": tree.users["norole"].pk, "unit": tree.c1.pk, "role": Role.GRID_WORKER,
            "valid_from": today.isoformat(), "valid_to": "", "department": "", "note": ""}
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = RoleGrant.objects.get(user=tree.users["norole"])
    data = form_data(client, change_url(grant))
    assert "user" not in data  # read-only once granted
    response = client.post(change_url(grant), {**data, "role": Role.COMMUNITY_CADRE})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert RoleGrant.objects.get(pk=grant.pk).role == Role.COMMUNITY_CADRE
    assert client.post(f"/admin/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"}).status_code == 302
    grant.refresh_from_db()
    assert grant.valid_to == today  # ended, not deleted
    assert grant_actions() == [("role_grant.create", "district"), ("role_grant.update", "district"),
                               ("role_grant.end", "district")]
    assert AuditLog.objects.get(action="role_grant.update").after == {"role": Role.COMMUNITY_CADRE}


def test_the_delete_action_ends_the_selected_grants(client, tree):
    client.force_login(staff(tree, "district"))
    grants = list(RoleGrant.objects.filter(user__username__in=["community", "community2"]))
    response = client.post("/admin/accounts/rolegrant/", {"action": "delete_selected", "post": "yes",
                                                          "_selected_action": [g.pk for g in grants]})
    assert response.status_code == 302
    assert RoleGrant.objects.filter(pk__in=[g.pk for g in grants], valid_to=timezone.localdate()).count() == 2
    assert [a for a, _u in grant_actions()] == ["role_grant.end", "role_grant.end"]


def test_out_of_scope_grants_in_the_admin_write_nothing(client, tree):
    user = User.objects.create_user("s1admin", password="x", is_staff=True)
    RoleGrant.objects.create(user=user, unit=tree.s1, role=Role.DISTRICT_ADMIN, valid_from=timezone.localdate())
    client.force_login(user)
    foreign = RoleGrant.objects.get(user=tree.users["other_street"])
    own = RoleGrant.objects.get(user=tree.users["community"])
    before = table_fingerprint([RoleGrant, AuditLog])
    data = {"user": tree.users["norole"].pk, "unit": tree.c3.pk, "role": Role.GRID_WORKER,
            "valid_from": timezone.localdate().isoformat(), "valid_to": "", "department": "", "note": ""}
    assert client.post(ADD, data).status_code == 200  # C3 is not among the choices: a form error
    moved = {**form_data(client, change_url(own)), "unit": tree.c3.pk}
    assert client.post(change_url(own), moved).status_code == 200  # nor when moving a grant there
    assert client.post(change_url(foreign), {**data, "note": "x"}).status_code == 302  # like a missing id
    assert client.post(f"/admin/accounts/rolegrant/{foreign.pk}/delete/", {"post": "yes"}).status_code == 302
    assert table_fingerprint([RoleGrant, AuditLog]) == before


def test_the_department_rule_is_a_form_error(client, tree):
    client.force_login(staff(tree, "district"))
    before = table_fingerprint([RoleGrant, AuditLog])
    data = {"user": tree.users["norole"].pk, "unit": tree.district.pk, "role": Role.DEPARTMENT_LIAISON,
            "valid_from": timezone.localdate().isoformat(), "valid_to": "", "department": "", "note": ""}
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("department", "required")
    assert table_fingerprint([RoleGrant, AuditLog]) == before


def test_the_user_page_inline_writes_through_the_services(client, tree, admin_user):
    client.force_login(admin_user)
    grantee = tree.users["community"]
    url = f"/admin/accounts/user/{grantee.pk}/change/"
    data = form_data(client, url)
    existing = RoleGrant.objects.get(user=grantee)
    assert data["grants-TOTAL_FORMS"] == "1" and data["grants-0-id"] == str(existing.pk)
    # change the existing grant's note, add a second grant
    data.update({"grants-0-note": "留任", "grants-TOTAL_FORMS": "2", "grants-1-unit": tree.c2.pk,
                 "grants-1-role": Role.GRID_WORKER, "grants-1-valid_from": timezone.localdate().isoformat(),
                 "grants-1-valid_to": "", "grants-1-department": "", "grants-1-note": "", "grants-1-id": "",
                 "grants-1-user": grantee.pk})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and (response.context["adminform"].form.errors,
                                                              response.context["inline_admin_formsets"][0].formset.errors)
    added = RoleGrant.objects.get(user=grantee, unit=tree.c2)
    assert RoleGrant.objects.get(pk=existing.pk).note == "留任"
    # "delete" the added one: it is ended
    data = form_data(client, url)
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == str(added.pk))
    data[f"grants-{index}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    added.refresh_from_db()
    assert added.valid_to == timezone.localdate()
    assert grant_actions() == [("role_grant.update", "admin"), ("role_grant.create", "admin"),
                               ("role_grant.end", "admin")]
