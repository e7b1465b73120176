import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.testing import Case, run_matrix_case
from org import services
from org.models import OrgUnit

pytestmark = pytest.mark.django_db

API = "/api/org/units/"


class TestOrgUnitApiMatrix:
    matrix_cases = [
        Case("list", lambda t: API, {"norole", "district", "leader", "street", "community", "community2", "other_street"}, api=True),
        Case("detail", lambda t: f"{API}{t.c1.pk}/", {"district", "leader", "street", "community"}, api=True),
        Case(
            "create",
            lambda t: API,
            {"district", "street", "community"},
            method="post",
            api=True,
            data=lambda t: {"parent": t.c1.pk, "code": "P1-NEW", "name": "新小区", "kind": "compound"},
            denied_status=(400,),  # an out-of-scope parent is answered exactly like a missing id
        ),
        Case(
            "update",
            lambda t: f"{API}{t.c1.pk}/",
            {"district", "street", "community"},
            method="patch",
            api=True,
            data=lambda t: {"name": "爱莲湖社区（改）"},
        ),
        Case(
            "move",
            lambda t: f"{API}{t.p1.pk}/move/",
            {"district", "street"},
            method="post",
            api=True,
            data=lambda t: {"parent": t.c2.pk},
            denied_status=(400, 404),
        ),
        Case("delete", lambda t: f"{API}{t.b1.pk}/", {"district", "street"}, method="delete", api=True, ok_status=(204,)),
    ]

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)


def test_list_is_scoped_and_filterable(client, tree):
    client.force_login(tree.users["community"])
    rows = client.get(API, {"page_size": 1000}).json()["results"]
    assert {r["code"] for r in rows} == {"C1", "P1", "B1"}
    assert {"id", "code", "name", "level", "parent"} <= set(rows[0])
    p1 = next(r for r in rows if r["code"] == "P1")
    assert p1["parent"] == tree.c1.pk and p1["level"] == 3
    assert [r["code"] for r in client.get(API, {"parent": tree.c1.pk}).json()["results"]] == ["P1"]
    assert [r["code"] for r in client.get(API, {"level": 4}).json()["results"]] == ["B1"]
    assert client.get(API, {"code": "C2"}).json()["count"] == 0  # sibling invisible


def test_sibling_detail_is_404_like_missing(client, tree):
    client.force_login(tree.users["community"])
    assert client.get(f"{API}{tree.c2.pk}/").status_code == 404
    assert client.get(f"{API}999999/").status_code == 404


def test_create_in_other_subtree_refused(client, tree):
    client.force_login(tree.users["community"])
    before = OrgUnit.objects.count()
    r = client.post(API, {"parent": tree.c2.pk, "code": "X", "name": "x", "kind": "compound"}, content_type="application/json")
    assert r.status_code == 400 and "parent" in r.json()
    assert OrgUnit.objects.count() == before


def test_move_keeps_level_rules(client, tree):
    client.force_login(tree.users["district"])
    r = client.post(f"{API}{tree.c1.pk}/move/", {"parent": tree.c2.pk}, content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"{API}{tree.c1.pk}/move/", {"parent": tree.s2.pk}, content_type="application/json")
    assert r.status_code == 200 and r.json()["parent"] == tree.s2.pk


def test_page_size_capped_at_1000(client, tree):
    client.force_login(tree.users["district"])
    r = client.get(API, {"page_size": 5000})
    assert r.status_code == 200 and len(r.json()["results"]) == 10


def test_list_query_count_constant(client, tree):
    client.force_login(tree.users["district"])
    root = User.objects.create_superuser("qc-root")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API, {"page_size": 1000}).status_code == 200
        return len(ctx)

    small = count()
    for i in range(30):
        services.org_unit_create(actor=root, parent=tree.c3, code=f"QC{i}", name=f"q{i}", kind="compound")
    assert count() == small


def test_token_auth(client, tree):
    r = client.post("/api/auth/token/", {"username": "street", "password": tree.password})
    assert r.status_code == 200
    token = r.json()["token"]
    r = client.get(API, HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200 and r.json()["count"] == 6


def test_schema_and_docs_need_a_log_in(client, tree):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(tree.users["district"])
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
