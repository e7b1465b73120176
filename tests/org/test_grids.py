"""Grids and their matters (网格, 入格事项): permission matrix of the pages and the API, the services' rules
(people picked from member records, units of the grid's community only, audit rows), what a grid worker
sees, the grid page's visits and open cases, and constant query counts."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import Case, run_matrix_case, table_fingerprint
from org import services
from org.models import Grid, GridAssignment, GridMatter
from supervision.services import case_register, visit_record_create

from .member_factories import MemberFactory

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
CHANGE_C1 = {"district", "street", "community"}
CHANGE_S2 = {"district", "other_street"}
TABLES = (Grid, GridAssignment, GridMatter, Grid.units.through, GridMatter.grids.through)
API = "/api/org/grids/"
TODAY = timezone.localdate()
DAY = TODAY - timedelta(days=5)


def build_grids(tree):
    """Grids g1 (C1: P1 and B1, matter m_safety, a grid worker) and g3 (C3); the district's catalogue; a
    member at P1; a visit and an open case at B1, a case at P3."""
    admin = tree.users["district"]
    tree.g1 = services.grid_create(actor=admin, community=tree.c1, code="C1G1", name="爱莲湖第一网格")
    tree.g3 = services.grid_create(actor=admin, community=tree.c3, code="C3G1", name="环城桥第一网格")
    tree.m_safety = services.grid_matter_create(actor=admin, registered_at=tree.district, code="RG01",
                                                name="安全隐患排查")
    tree.m_elderly = services.grid_matter_create(actor=admin, registered_at=tree.district, code="RG02",
                                                 name="独居老人探访")
    services.grid_update(actor=admin, grid=tree.g1, units=[tree.p1, tree.b1], matters=[tree.m_safety])
    services.grid_update(actor=admin, grid=tree.g3, units=[tree.p3])
    tree.worker = User.objects.create_user("gridworker", password=tree.password, full_name="网格员甲")
    RoleGrant.objects.create(user=tree.worker, unit=tree.c1, role=Role.GRID_WORKER, valid_from=date(2021, 1, 1))
    tree.a1 = services.grid_assignment_create(actor=admin, grid=tree.g1, user=tree.worker, valid_from=date(2021, 1, 1))
    tree.member = MemberFactory(actor=admin, unit=tree.p1, name="楼长甲")
    tree.visit = visit_record_create(actor=admin, place=tree.b1, visited_on=DAY, heard="楼道堆放杂物")
    tree.case = case_register(actor=admin, unit=tree.b1, kind="difficulty", source="hotline", category="other",
                              title="楼道杂物", description="需要清理")
    tree.case3 = case_register(actor=admin, unit=tree.p3, kind="difficulty", source="hotline", category="other",
                               title="御景湾停车", description="车位")
    return tree


@pytest.fixture
def world(tree):
    return build_grids(tree)


def url(name, attr):
    return lambda t: reverse(f"org:{name}", args=[getattr(t, attr).pk])


def person(t):
    return {"role": "volunteer", "person_name": "志愿者乙", "valid_from": DAY.isoformat()}


class TestGridPageMatrix:
    matrix_cases = [
        Case("list", lambda t: reverse("org:grid_list"), LOGGED_IN),
        Case("create_c1", lambda t: reverse("org:grid_create"), CHANGE_C1, method="post",
             data=lambda t: {"community": "C1", "code": "C1G9", "name": "新网格"}, ok_status=(302,),
             denied_status=(400, 404), models=TABLES),
        Case("detail_g1", url("grid_detail", "g1"), SEE_C1),
        Case("update_form_g1", url("grid_update", "g1"), CHANGE_C1),
        Case("update_g1", url("grid_update", "g1"), CHANGE_C1, method="post",
             data=lambda t: {"name": "爱莲湖一网格", "units": [t.p1.pk], "matters": [t.m_safety.pk, t.m_elderly.pk]},
             ok_status=(302,), models=TABLES),
        Case("assign_g1", url("grid_assignment_create", "g1"), CHANGE_C1, method="post", data=person,
             ok_status=(302,), models=TABLES),
        # Into another street's subtree: the street secretary of S1 gets a 404 and nothing is written.
        Case("assign_g3", url("grid_assignment_create", "g3"), CHANGE_S2, method="post", data=person,
             ok_status=(302,), models=TABLES),
        Case("assignment_end", url("grid_assignment_end", "a1"), CHANGE_C1, method="post",
             data=lambda t: {"ended_on": TODAY.isoformat()}, ok_status=(302,), models=TABLES),
        Case("matters", lambda t: reverse("org:grid_matter_list"), LOGGED_IN),
        Case("matter_create_s1", lambda t: reverse("org:grid_matter_create"), {"district", "street"}, method="post",
             data=lambda t: {"registered_at": "S1", "code": "S1-01", "name": "街道特色事项"}, ok_status=(302,),
             denied_status=(400, 404), models=TABLES),
        Case("matter_toggle", url("grid_matter_toggle", "m_elderly"), {"district"}, method="post",
             data=lambda t: {}, ok_status=(302,), models=TABLES),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


class TestGridApiMatrix:
    matrix_cases = [
        Case("list", lambda t: API, LOGGED_IN, api=True),
        Case("detail", lambda t: f"{API}{t.g1.pk}/", SEE_C1, api=True),
        Case("create", lambda t: API, CHANGE_C1, method="post", api=True,
             data=lambda t: {"community": t.c1.pk, "code": "C1G8", "name": "新网格"}, models=TABLES),
        Case("update", lambda t: f"{API}{t.g1.pk}/", CHANGE_C1, method="patch", api=True,
             data=lambda t: {"matters": [t.m_elderly.pk]}, models=TABLES),
        Case("people", lambda t: f"{API}{t.g1.pk}/people/", CHANGE_C1, method="post", api=True,
             data=lambda t: {"role": "building_head", "member": t.member.pk, "building": t.b1.pk,
                             "valid_from": DAY.isoformat()}, models=TABLES),
        Case("people_g3", lambda t: f"{API}{t.g3.pk}/people/", CHANGE_S2, method="post", api=True, data=person,
             models=TABLES),
        Case("end_assignment", lambda t: f"{API}{t.g1.pk}/end-assignment/", CHANGE_C1, method="post", api=True,
             data=lambda t: {"assignment": t.a1.pk}, models=TABLES),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


# -- rules ------------------------------------------------------------------------------------------------

def test_member_on_grid_is_picked_from_the_records(world):
    a = services.grid_assignment_create(actor=world.users["community"], grid=world.g1, member=world.member,
                                        role="building_head", building=world.b1, person_name="别的名字",
                                        valid_from=DAY)
    assert a.member_id == world.member.pk and a.person_name == "楼长甲" and a.building_id == world.b1.pk
    assert AuditLog.objects.filter(action="grid_assignment.create", object_id=str(a.pk)).count() == 1


def test_member_out_of_scope_or_building_elsewhere_refused(world):
    other = MemberFactory(actor=world.users["district"], unit=world.p3, name="外街党员")
    before = table_fingerprint(TABLES)
    with pytest.raises(ValidationError) as exc:
        services.grid_assignment_create(actor=world.users["community"], grid=world.g1, member=other, valid_from=DAY)
    assert exc.value.error_dict["member"][0].code == "not_found"
    with pytest.raises(ValidationError) as exc:
        services.grid_assignment_create(actor=world.users["district"], grid=world.g1, person_name="x",
                                        building=world.p2, valid_from=DAY)
    assert exc.value.error_dict["building"][0].code == "outside_grid"
    assert table_fingerprint(TABLES) == before


def test_street_cannot_assign_in_another_street(world):
    before = table_fingerprint(TABLES)
    with pytest.raises(ScopeDenied):
        services.grid_assignment_create(actor=world.users["street"], grid=world.g3, person_name="x", valid_from=DAY)
    with pytest.raises(ScopeDenied):
        services.grid_update(actor=world.users["street"], grid=world.g3, name="改")
    assert table_fingerprint(TABLES) == before


def test_grid_units_must_be_in_its_community(world):
    before = table_fingerprint(TABLES)
    with pytest.raises(ValidationError) as exc:
        services.grid_update(actor=world.users["district"], grid=world.g1, units=[world.p1, world.p2])
    assert exc.value.error_dict["units"][0].code == "outside_grid"
    assert table_fingerprint(TABLES) == before


def test_grid_update_is_audited_with_units_and_matters(world):
    services.grid_update(actor=world.users["community"], grid=world.g1, matters=[world.m_safety, world.m_elderly])
    row = AuditLog.objects.filter(action="grid.update", object_id=str(world.g1.pk)).latest("pk")
    assert row.after["matters"] == sorted([world.m_safety.pk, world.m_elderly.pk])


def test_withdrawn_matter_cannot_be_attached(world):
    services.grid_matter_update(actor=world.users["district"], matter=world.m_elderly, is_active=False)
    with pytest.raises(ValidationError):
        services.grid_update(actor=world.users["district"], grid=world.g1, matters=[world.m_elderly])
    with pytest.raises(ScopeDenied):  # the district's catalogue is the district's to edit
        services.grid_matter_update(actor=world.users["street"], matter=world.m_safety, name="改")


def test_assignment_end(world):
    a = services.grid_assignment_end(actor=world.users["community"], assignment=world.a1, valid_to=TODAY)
    assert a.valid_to == TODAY
    with pytest.raises(ValidationError):
        services.grid_assignment_end(actor=world.users["community"], assignment=world.a1,
                                     valid_to=TODAY + timedelta(days=1))


def test_grid_worker_sees_their_grids(client, world):
    client.force_login(world.worker)
    r = client.get(reverse("org:grid_list"))
    assert [g.pk for g in r.context["page"].object_list] == [world.g1.pk]
    services.grid_create(actor=world.users["district"], community=world.c1, code="C1G2", name="第二网格")
    r = client.get(reverse("org:grid_list"), {"mine": "on"})
    assert [g.pk for g in r.context["page"].object_list] == [world.g1.pk]
    assert client.get(reverse("org:grid_detail", args=[world.g3.pk])).status_code == 404
    assert client.get(reverse("org:grid_update", args=[world.g1.pk])).status_code == 404  # VIEW and RECORD only
    r = client.get(f"{API}", {"mine": "true"})
    assert [row["id"] for row in r.json()["results"]] == [world.g1.pk]


def test_grid_page_shows_units_people_matters_visits_and_open_cases(client, world):
    client.force_login(world.users["community"])
    r = client.get(reverse("org:grid_detail", args=[world.g1.pk]))
    assert [u.code for u in r.context["units"]] == ["P1", "B1"]
    assert [a.pk for a in r.context["people"]] == [world.a1.pk]
    assert [m.code for m in r.context["matters"]] == ["RG01"]
    assert [v.pk for v in r.context["visits"]] == [world.visit.pk]
    assert [c.pk for c in r.context["cases"]] == [world.case.pk]  # not P3's


def test_assignment_page_finds_the_member(client, world):
    client.force_login(world.users["community"])
    r = client.post(reverse("org:grid_assignment_create", args=[world.g1.pk]),
                    {"role": "building_head", "member_q": "楼长甲", "building": world.b1.pk,
                     "valid_from": DAY.isoformat()})
    assert r.status_code == 302
    assert GridAssignment.objects.filter(grid=world.g1, member=world.member).count() == 1
    r = client.post(reverse("org:grid_assignment_create", args=[world.g1.pk]),
                    {"role": "volunteer", "member_q": "没有这个人", "valid_from": DAY.isoformat()})
    assert r.status_code == 400 and r.context["assignment_form"].has_error("member_q", "not_found")


def test_api_detail_has_matters_and_people(client, world):
    client.force_login(world.users["community"])
    data = client.get(f"{API}{world.g1.pk}/").json()
    assert [m["code"] for m in data["matters"]] == ["RG01"]
    assert [a["id"] for a in data["assignments"]] == [world.a1.pk]
    assert client.get(API, {"unit": "C3"}).status_code == 400


def _grow(world, n):
    admin = world.users["district"]
    for i in range(n):
        g = services.grid_create(actor=admin, community=world.c1, code=f"C1X{n}{i}", name=f"网格{i}")
        services.grid_update(actor=admin, grid=g, units=[world.p1], matters=[world.m_safety])
        services.grid_assignment_create(actor=admin, grid=g, person_name=f"人{i}", valid_from=DAY)


@pytest.mark.parametrize("path", ["page", "api", "matters"])
def test_lists_constant_queries(client, world, path):
    client.force_login(world.users["street"])
    target = {"page": reverse("org:grid_list"), "api": API, "matters": reverse("org:grid_matter_list")}[path]
    counts = []
    for n in (2, 12):
        _grow(world, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(target).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
