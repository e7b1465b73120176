"""The figures API answers exactly what ``manage.py figures --json`` prints (one code path), scoped; the
monthly series come from grouped queries."""
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from org import services as org_services
from org.choices import UnitKind

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def command_json(**opts) -> bytes:
    out = io.StringIO()
    call_command("figures", json=True, stdout=out, **opts)
    return out.getvalue().removesuffix("\n").encode()  # the command ends its line


@pytest.mark.parametrize("code", ["D", "S1", "C1", "P1"])
def test_api_equals_the_command(client, work, code):
    client.force_login(work.users["district"])
    response = client.get(f"/api/figures/?unit={code}&year={YEAR}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.content == command_json(unit=code, year=YEAR)
    assert json.loads(response.content)["supervision.cases_resolved"] == 1


def test_without_a_unit_the_users_root(client, work):
    client.force_login(work.users["street"])
    assert client.get(f"/api/figures/?year={YEAR}").content == command_json(unit="S1", year=YEAR)
    client.force_login(work.users["community2"])
    assert client.get("/api/figures/").content == command_json(unit="C2", year=timezone.localdate().year)


def test_superuser_with_one_tree_gets_the_district_like_the_command(client, work):
    client.force_login(User.objects.create_superuser("su", password="pw-Persona-2026"))
    assert client.get(f"/api/figures/?year={YEAR}").content == command_json(year=YEAR)


def test_several_roots_must_choose(client, work):
    user = work.users["community"]
    RoleGrant.objects.create(user=user, unit=work.c3, role=Role.COMMUNITY_SECRETARY, valid_from=timezone.localdate())
    client.force_login(user)
    response = client.get("/api/figures/")
    assert response.status_code == 400 and response.json()["roots"] == ["C1", "C3"]
    assert client.get("/api/figures/?unit=C3").status_code == 200
    assert client.get("/api/figures/?unit=S1").status_code == 404


def test_superuser_over_two_trees_must_choose(client, work):
    root = User.objects.create_superuser("su", password="pw-Persona-2026")
    org_services.org_unit_create(actor=root, parent=None, code="D2", name="北湖区委", kind=UnitKind.DISTRICT)
    client.force_login(root)
    response = client.get("/api/figures/")
    assert response.status_code == 400 and sorted(response.json()["roots"]) == ["D", "D2"]


@pytest.mark.parametrize("query", ["year=abc", "year=1800", "year=2101", "unit=" + "X" * 40])
def test_bad_parameters_are_400(client, tree, query):
    client.force_login(tree.users["district"])
    assert client.get(f"/api/figures/?{query}").status_code == 400
    assert client.get(f"/api/figures/series/?key=supervision.visits&{query}").status_code == 400


def test_missing_and_out_of_scope_units_are_the_same_404(client, tree):
    client.force_login(tree.users["other_street"])
    missing = client.get("/api/figures/?unit=NOPE")
    hidden = client.get("/api/figures/?unit=C1")
    assert missing.status_code == hidden.status_code == 404
    assert AuditLog.objects.filter(kind=AuditLog.Kind.DENIED, actor=tree.users["other_street"]).exists()


def test_no_scope_is_404(client, tree):
    client.force_login(tree.users["norole"])
    assert client.get("/api/figures/").status_code == 404
    assert client.get("/api/figures/series/?key=supervision.visits").status_code == 404


def test_unknown_series_key_is_400(client, tree):
    client.force_login(tree.users["district"])
    response = client.get("/api/figures/series/?key=org.streets")
    assert response.status_code == 400 and "supervision.visits" in response.json()["keys"]
    assert client.get("/api/figures/series/").status_code == 400


def test_series_by_month(client, work):
    client.force_login(work.users["district"])
    get = lambda key, unit: client.get(f"/api/figures/series/?key={key}&unit={unit}&year={YEAR}").json()  # noqa: E731
    visits = get("supervision.visits", "D")
    assert visits["months"][0] == f"{YEAR}-01" and len(visits["months"]) == 12
    assert visits["series"]["total"][2] == 2 and sum(visits["series"]["total"]) == 2
    assert sum(get("supervision.visits", "S2")["series"]["total"]) == 1
    resolved = get("supervision.cases_resolved", "S1")["series"]["total"]
    assert resolved[3] == 1 and sum(resolved) == json.loads(command_json(unit="S1", year=YEAR))[
        "supervision.cases_resolved"]
    by_state = get("supervision.cases_by_state", "D")["series"]
    assert by_state["resolved"][3] == 1 and by_state["registered"][4] == 1 and sum(by_state["accepted"]) == 0
    assert get("supervision.cases_by_state", "S2")["series"]["resolved"] == [0] * 12
