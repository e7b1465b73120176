"""Member API: permission matrix of every endpoint, masking per role (the plaintext never in a response
body without REVEAL), audited reveal, writes through the services, transfer steps per role, constant
queries."""
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint
from org.models import Member, Transfer, TransferState

from .member_factories import new_id_number, outside_unit
from .test_member_views import CHANGE_C1, LOGGED_IN, M1_ID, M1_PHONE, SEE_C1, WRITTEN, build_world

pytestmark = pytest.mark.django_db
API = "/api/org/"


@pytest.fixture
def world(tree):
    build_world(tree)
    tree.dept = outside_unit(tree, code="QZ2", name="区教育局")
    return tree


def new_member(t):
    return {"name": "接口党员", "id_number": new_id_number(1991), "phone": "13600000000", "unit": t.p1.pk,
            "category": "in_service", "education": "bachelor"}


class TestMemberApiMatrix:
    matrix_cases = [
        Case("members", lambda t: f"{API}members/", LOGGED_IN, api=True),
        Case("member_m1", lambda t: f"{API}members/{t.m1.pk}/", SEE_C1, api=True),
        Case("member_create", lambda t: f"{API}members/", CHANGE_C1, method="post", api=True, data=new_member,
             ok_status=(201,), denied_status=(400,), models=WRITTEN),  # a unit out of scope looks missing
        Case("member_update", lambda t: f"{API}members/{t.m1.pk}/", CHANGE_C1, method="patch", api=True,
             data=lambda t: {"name": "王一（改）", "phone": "13500000000"}, models=WRITTEN),
        Case("member_reveal", lambda t: f"{API}members/{t.m1.pk}/reveal/", CHANGE_C1, method="post", api=True,
             data=lambda t: {"field": "id_number"}, models=WRITTEN),
        Case("member_delete", lambda t: f"{API}members/{t.m1.pk}/", set(), method="delete", api=True,
             denied_status=(404, 405), models=WRITTEN),
        Case("dual_registrations", lambda t: f"{API}dual-registrations/", LOGGED_IN, api=True),
        Case("dual_registration_create", lambda t: f"{API}dual-registrations/", {"district", "street", "community2"},
             method="post", api=True, ok_status=(201,), denied_status=(400,), models=WRITTEN,
             data=lambda t: {"member": t.m2.pk, "community": t.c2.pk, "commitment": "助老"}),
        Case("part_time_members", lambda t: f"{API}part-time-members/", LOGGED_IN, api=True),
        Case("part_time_create", lambda t: f"{API}part-time-members/", CHANGE_C1, method="post", api=True,
             ok_status=(201,), denied_status=(400,), models=WRITTEN,
             data=lambda t: {"person_name": "孙所长", "home_unit": t.dept.pk, "seat": t.c1.pk,
                             "term_from": "2021-01-01"}),
        Case("transfers", lambda t: f"{API}transfers/", LOGGED_IN, api=True),
        Case("transfer_detail", lambda t: f"{API}transfers/{t.t_req.pk}/",
             {"district", "leader", "street", "community", "community2"}, api=True),
        Case("transfer_request", lambda t: f"{API}transfers/", CHANGE_C1, method="post", api=True,
             ok_status=(201,), denied_status=(400,), models=WRITTEN,
             data=lambda t: {"member": t.m1.pk, "to_unit": t.p3.pk, "letter_no": "L8"}),
        Case("transfer_approve", lambda t: f"{API}transfers/{t.t_req.pk}/approve/",
             {"district", "street", "community2"}, method="post", api=True, data=lambda t: {}, models=WRITTEN),
        Case("transfer_return", lambda t: f"{API}transfers/{t.t_req.pk}/return/",
             {"district", "street", "community", "community2"}, method="post", api=True,
             data=lambda t: {"reason": "地址有误"}, models=WRITTEN),
        Case("transfer_complete", lambda t: f"{API}transfers/{t.t_app.pk}/complete/",
             {"district", "street", "community2"}, method="post", api=True, data=lambda t: {}, models=WRITTEN),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


# -- masking ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", sorted(LOGGED_IN))
def test_reads_never_carry_the_plaintext(client, world, persona):
    client.force_login(world.users[persona])
    for target in (f"{API}members/?page_size=1000", f"{API}members/{world.m1.pk}/", f"{API}transfers/",
                   f"{API}dual-registrations/", f"{API}members/?search={M1_ID}"):
        response = client.get(target)
        assert M1_ID.encode() not in response.content and M1_PHONE.encode() not in response.content


@pytest.mark.parametrize("persona,can", [("district", True), ("street", True), ("community", True),
                                         ("leader", False)])
def test_member_rows_are_masked_and_say_whether_reveal_is_possible(client, world, persona, can):
    client.force_login(world.users[persona])
    rows = {r["name"]: r for r in client.get(f"{API}members/").json()["results"]}
    assert rows["王一"]["id_number"] == world.m1.id_number_masked and rows["王一"]["phone"] == "139****5678"
    assert rows["王一"]["can_reveal"] is can
    assert client.get(f"{API}members/{world.m1.pk}/").json()["can_reveal"] is can


def test_reveal_returns_the_plaintext_and_is_audited(client, world):
    client.force_login(world.users["street"])
    r = client.post(f"{API}members/{world.m1.pk}/reveal/", {"field": "phone"}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"id": world.m1.pk, "phone": M1_PHONE}
    assert r["Cache-Control"] == "no-store"
    r = client.post(f"{API}members/{world.m1.pk}/reveal/", {}, content_type="application/json")
    assert r.json()["id_number"] == M1_ID
    assert AuditLog.objects.filter(kind=AuditLog.Kind.REVEAL, actor_username="street").count() == 2


@pytest.mark.parametrize("persona", ["leader", "community2", "other_street", "norole"])
def test_reveal_refused_is_404_without_plaintext(client, world, persona):
    client.force_login(world.users[persona])
    r = client.post(f"{API}members/{world.m1.pk}/reveal/", {"field": "id_number"}, content_type="application/json")
    assert r.status_code == 404 and M1_ID.encode() not in r.content
    assert not AuditLog.objects.filter(kind=AuditLog.Kind.REVEAL).exists()


# -- lists and writes -------------------------------------------------------------------------------

def test_member_filters(client, world):
    client.force_login(world.users["district"])
    names = lambda **q: sorted(r["name"] for r in client.get(f"{API}members/", q).json()["results"])  # noqa
    assert names(unit="C1") == ["王一", "转出乙", "转出甲"]
    assert client.get(f"{API}members/", {"unit": "NOPE"}).status_code == 400
    assert names(search=M1_ID) == ["王一"]
    assert names(category="retired", unit="S2") == ["王三"]
    assert names(joined_year="2005", unit="C2") == ["王二"]
    client.force_login(world.users["community"])
    # out of scope looks like missing: the same 400 on the unit field as an unknown code
    out, missing = (client.get(f"{API}members/", {"unit": code}) for code in ("C2", "NOPE"))
    assert out.status_code == missing.status_code == 400 and set(out.json()) == set(missing.json()) == {"unit"}


def test_create_and_update_go_through_the_services(client, world):
    client.force_login(world.users["community"])
    r = client.post(f"{API}members/", new_member(world), content_type="application/json")
    assert r.status_code == 201 and "*" in r.json()["id_number"] and r.json()["unit_code"] == "P1"
    member = Member.objects.get(pk=r.json()["id"])
    assert AuditLog.objects.filter(action="member.create", object_id=str(member.pk)).exists()
    before = table_fingerprint(WRITTEN)
    bad = {**new_member(world), "id_number": "4.30102E+17"}
    r = client.post(f"{API}members/", bad, content_type="application/json")
    assert r.status_code == 400 and "id_number" in r.json()
    r = client.patch(f"{API}members/{member.pk}/", {"unit": world.p3.pk}, content_type="application/json")
    assert r.status_code == 200 and Member.objects.get(pk=member.pk).unit_id == world.p1.pk  # unit is not editable
    assert table_fingerprint(WRITTEN) == before
    r = client.patch(f"{API}members/{member.pk}/", {"status": "lost_contact"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "lost_contact"


def test_transfer_steps_through_the_api(client, world):
    client.force_login(world.users["community"])
    r = client.post(f"{API}transfers/", {"member": world.m1.pk, "to_unit": world.p3.pk}, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == TransferState.REQUESTED
    tid = r.json()["id"]
    assert client.post(f"{API}transfers/{tid}/approve/", {}, content_type="application/json").status_code == 404
    client.force_login(world.users["other_street"])
    assert client.post(f"{API}transfers/{tid}/complete/", {}, content_type="application/json").status_code == 400
    assert client.post(f"{API}transfers/{tid}/approve/", {}, content_type="application/json").status_code == 200
    r = client.post(f"{API}transfers/{tid}/complete/", {}, content_type="application/json")
    assert r.status_code == 200 and [e["to_state"] for e in r.json()["events"]] == ["requested", "approved",
                                                                                 "completed"]
    assert Member.objects.get(pk=world.m1.pk).unit_id == world.p3.pk
    r = client.post(f"{API}transfers/{world.t_req.pk}/return/", {"reason": ""}, content_type="application/json")
    assert r.status_code == 404  # other_street is on neither side of this one
    client.force_login(world.users["district"])
    r = client.post(f"{API}transfers/{world.t_req.pk}/return/", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and Transfer.objects.get(pk=world.t_req.pk).state == TransferState.REQUESTED


def test_dual_registration_and_part_time_end(client, world):
    client.force_login(world.users["community"])
    reg = client.get(f"{API}dual-registrations/").json()["results"][0]
    r = client.post(f"{API}dual-registrations/{reg['id']}/end/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["ended_on"] == date.today().isoformat()
    assert client.get(f"{API}dual-registrations/").json()["count"] == 0
    assert client.get(f"{API}dual-registrations/", {"current": "0"}).json()["count"] == 1
    client.force_login(world.users["street"])
    seat = client.get(f"{API}part-time-members/").json()["results"][0]
    r = client.post(f"{API}part-time-members/{seat['id']}/end/", {"ended_on": "2024-12-31"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["term_to"] == "2024-12-31"
    client.force_login(world.users["community"])  # the seat is on the street committee: not the community's
    assert client.post(f"{API}part-time-members/{seat['id']}/end/", {},
                       content_type="application/json").status_code == 404


# -- query counts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", ["members/?page_size=1000", "transfers/?page_size=1000",
                                      "dual-registrations/", "part-time-members/"])
def test_lists_run_constant_queries(client, world, endpoint):
    from .test_member_views import _grow

    client.force_login(world.users["district"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{API}{endpoint}").status_code == 200
        return len(ctx.captured_queries)

    _grow(world, 40)
    small = count()
    _grow(world, 80)
    big = count()
    print(f"api {endpoint}: small={small} big={big}")
    assert small == big


def test_schema_lists_the_member_endpoints(client, world):
    client.force_login(world.users["district"])
    r = client.get("/api/schema/", {"format": "json"})
    paths = json.loads(r.content)["paths"] if r["Content-Type"].startswith("application/json") else r.content.decode()
    for p in ("/api/org/members/", "/api/org/members/{id}/reveal/", "/api/org/transfers/{id}/return/",
              "/api/org/dual-registrations/", "/api/org/part-time-members/"):
        assert p in paths
