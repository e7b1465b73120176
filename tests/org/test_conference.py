"""The regional joint conference (区域化党建联席会议): permission matrix of its pages and API, the services'
rules (representatives linked from the part-time seats, resolutions becoming cases through the work system,
needs raised in one click, project transitions), constant query counts and the figures."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import Case, run_matrix_case, table_fingerprint
from org import services
from org.choices import JointNeedState, JointProjectState, JointResourceKind
from org.figures import compute
from org.models import (
    ConferenceMeeting,
    ConferenceMemberUnit,
    ConferenceResolution,
    JointConference,
    JointNeed,
    JointProject,
    JointProjectEvent,
    JointResource,
    OutsideUnitKind,
)
from supervision.models import Case as WorkCase
from supervision.models import VisitRecord
from supervision.services import visit_record_create

from .member_factories import outside_unit

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
SEE_S1 = {"district", "leader", "street"}
CHANGE_S1 = {"district", "street"}
CHANGE_C1 = {"district", "street", "community"}
CHANGE_S2 = {"district", "other_street"}
TABLES = (JointConference, ConferenceMemberUnit, ConferenceMeeting, ConferenceResolution, JointNeed, JointResource,
          JointProject, JointProjectEvent, WorkCase)
API = "/api/org/"
TODAY = timezone.localdate()
DAY = TODAY - timedelta(days=10)


def build_conference(tree):
    """Conferences of S1 and S2; at S1 a member unit (the police station, represented by its part-time seat),
    a meeting, a need raised from a visit at C1, a resource and a planned project; the same at S2."""
    admin = tree.users["district"]
    police = outside_unit(tree, code="PCS1", kind=OutsideUnitKind.POLICE_STATION, name="苏仙岭派出所")
    bank = outside_unit(tree, code="YH1", kind=OutsideUnitKind.BANK, name="郴州农商银行")
    tree.police, tree.bank = police, bank
    tree.seat = services.part_time_member_create(actor=admin, seat=tree.s1, person_name="李所长", home_unit=police,
                                                 committee_post="兼职委员", term_from=date(2021, 1, 1))
    services.part_time_member_create(actor=admin, seat=tree.c3, person_name="周行长", home_unit=bank,
                                     term_from=date(2021, 1, 1))
    tree.conf1 = services.joint_conference_create(actor=admin, unit=tree.s1, name="苏仙岭街道大工委",
                                                  established_on=date(2021, 3, 1))
    tree.conf2 = services.joint_conference_create(actor=admin, unit=tree.s2, name="南塔街道大工委",
                                                  established_on=date(2021, 3, 1))
    tree.mu1 = services.conference_member_add(actor=admin, conference=tree.conf1, outside_unit=police,
                                              joined_on=date(2021, 3, 1), duty="成员单位")
    tree.mu2 = services.conference_member_add(actor=admin, conference=tree.conf2, outside_unit=bank,
                                              joined_on=date(2021, 3, 1))
    tree.meeting1 = services.conference_meeting_create(actor=admin, conference=tree.conf1, held_on=DAY,
                                                       title="第一次联席会议", agenda="议定共建项目",
                                                       attendees=[tree.mu1])
    tree.visit = visit_record_create(actor=admin, place=tree.p1, visited_on=DAY, heard="小区缺少老年活动场地",
                                     needs_follow_up=True)
    tree.visit2 = visit_record_create(actor=admin, place=tree.p1, visited_on=DAY, heard="路灯坏了",
                                      needs_follow_up=True)
    tree.need1 = services.joint_need_raise_from_visit(actor=admin, visit=tree.visit)
    tree.need_free = services.joint_need_create(actor=admin, unit=tree.c1, title="助老服务")
    tree.res1 = services.joint_resource_create(actor=admin, conference=tree.conf1, member_unit=tree.mu1,
                                               kind=JointResourceKind.VENUE, title="派出所会议室")
    tree.project1 = services.joint_project_create(actor=admin, conference=tree.conf1, need=tree.need1,
                                                  resource=tree.res1)
    tree.need3 = services.joint_need_create(actor=admin, unit=tree.p3, title="停车难")
    tree.res3 = services.joint_resource_create(actor=admin, conference=tree.conf2, member_unit=tree.mu2,
                                               kind=JointResourceKind.FUNDS, title="共建资金", amount_yuan=50000)
    return tree


@pytest.fixture
def world(tree):
    return build_conference(tree)


def url(name, *attrs):
    return lambda t: reverse(f"org:{name}", args=[getattr(t, a).pk for a in attrs])


def project_data(need, resource):
    return lambda t: {"need": getattr(t, need).pk, "resource": getattr(t, resource).pk, "title": "共建",
                      "matched_on": TODAY.isoformat()}


class TestConferencePageMatrix:
    matrix_cases = [
        Case("list", lambda t: reverse("org:joint_conference_list"), LOGGED_IN),
        Case("create_district", lambda t: reverse("org:joint_conference_create"), {"district"}, method="post",
             data=lambda t: {"unit": "D", "name": "区联席会议", "established_on": DAY.isoformat()},
             ok_status=(302,), denied_status=(400, 404), models=TABLES),
        Case("detail_s1", url("joint_conference_detail", "conf1"), SEE_S1),
        Case("member_add", url("joint_conference_member_add", "conf1"), CHANGE_S1, method="post",
             data=lambda t: {"outside_unit": t.bank.pk, "joined_on": DAY.isoformat()}, ok_status=(302,),
             models=TABLES),
        Case("member_end", url("joint_conference_member_end", "mu1"), CHANGE_S1, method="post",
             data=lambda t: {"ended_on": TODAY.isoformat()}, ok_status=(302,), models=TABLES),
        Case("meeting_create", url("joint_meeting_create", "conf1"), CHANGE_S1, method="post",
             data=lambda t: {"held_on": DAY.isoformat(), "title": "第二次会议", "agenda": "议程",
                             "attendees": [t.mu1.pk]}, ok_status=(302,), models=TABLES),
        Case("meeting_detail", url("joint_meeting_detail", "meeting1"), SEE_S1),
        Case("resolution_create", url("joint_resolution_create", "meeting1"), CHANGE_S1, method="post",
             data=lambda t: {"text": "为爱莲湖小区增设活动场地", "needs_work": "on", "unit": "C1",
                             "kind": "difficulty", "category": "other"}, ok_status=(302,), models=TABLES),
        Case("resource_create", url("joint_resource_create", "conf1"), CHANGE_S1, method="post",
             data=lambda t: {"member_unit": t.mu1.pk, "kind": "volunteers", "title": "民警志愿者",
                             "volunteers": "5"}, ok_status=(302,), models=TABLES),
        Case("project_create", url("joint_project_create", "conf1"), CHANGE_S1, method="post",
             data=project_data("need_free", "res1"), ok_status=(302,), models=TABLES),
        # A project into another street's conference: the street secretary of S1 gets a 404, nothing written.
        Case("project_create_s2", url("joint_project_create", "conf2"), CHANGE_S2, method="post",
             data=project_data("need3", "res3"), ok_status=(302,), models=TABLES),
        Case("need_list", lambda t: reverse("org:joint_need_list"), LOGGED_IN),
        Case("need_create_c1", lambda t: reverse("org:joint_need_create"), CHANGE_C1, method="post",
             data=lambda t: {"unit": "C1", "title": "加装电梯"}, ok_status=(302,), denied_status=(400, 404),
             models=TABLES),
        Case("need_raise_visit", lambda t: reverse("org:joint_need_raise"), CHANGE_C1, method="post",
             data=lambda t: {"visit": t.visit2.pk}, ok_status=(302,), models=TABLES),
        Case("project_list", lambda t: reverse("org:joint_project_list"), LOGGED_IN),
        Case("project_detail", url("joint_project_detail", "project1"), SEE_S1),
        Case("project_start", lambda t: reverse("org:joint_project_step", args=[t.project1.pk, "start"]),
             CHANGE_S1, method="post", data=lambda t: {"on": TODAY.isoformat()}, ok_status=(302,), models=TABLES),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


class TestConferenceApiMatrix:
    matrix_cases = [
        Case("list", lambda t: f"{API}joint-conferences/", LOGGED_IN, api=True),
        Case("detail", lambda t: f"{API}joint-conferences/{t.conf1.pk}/", SEE_S1, api=True),
        Case("create", lambda t: f"{API}joint-conferences/", {"district"}, method="post", api=True,
             data=lambda t: {"unit": t.district.pk, "name": "区联席会议", "established_on": DAY.isoformat()},
             models=TABLES),
        Case("members", lambda t: f"{API}joint-conferences/{t.conf1.pk}/members/", CHANGE_S1, method="post",
             api=True, data=lambda t: {"outside_unit": t.bank.pk}, models=TABLES),
        Case("meetings", lambda t: f"{API}joint-conferences/{t.conf1.pk}/meetings/", CHANGE_S1, method="post",
             api=True, data=lambda t: {"held_on": DAY.isoformat(), "title": "会议", "agenda": "议程",
                                       "attendees": [t.mu1.pk]}, models=TABLES),
        Case("resolutions", lambda t: f"{API}joint-conferences/{t.conf1.pk}/resolutions/", CHANGE_S1,
             method="post", api=True, data=lambda t: {"meeting": t.meeting1.pk, "text": "决议", "needs_work": True},
             models=TABLES),
        Case("resources", lambda t: f"{API}joint-conferences/{t.conf1.pk}/resources/", CHANGE_S1, method="post",
             api=True, data=lambda t: {"member_unit": t.mu1.pk, "kind": "expertise", "title": "法律咨询"},
             models=TABLES),
        Case("projects_list", lambda t: f"{API}joint-projects/", LOGGED_IN, api=True),
        Case("project_detail", lambda t: f"{API}joint-projects/{t.project1.pk}/", SEE_S1, api=True),
        Case("project_create", lambda t: f"{API}joint-projects/", CHANGE_S1, method="post", api=True,
             data=lambda t: {"conference": t.conf1.pk, "need": t.need_free.pk, "resource": t.res1.pk},
             models=TABLES),
        Case("project_create_s2", lambda t: f"{API}joint-projects/", CHANGE_S2, method="post", api=True,
             data=lambda t: {"conference": t.conf2.pk, "need": t.need3.pk, "resource": t.res3.pk}, models=TABLES),
        Case("project_transition", lambda t: f"{API}joint-projects/{t.project1.pk}/transition/", CHANGE_S1,
             method="post", api=True, data=lambda t: {"action": "start"}, models=TABLES),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


# -- rules ---------------------------------------------------------------------------------------------

def test_representatives_are_the_part_time_seats(world):
    assert [r.pk for r in world.mu1.representatives.all()] == [world.seat.pk]
    # a seat of another unit, or outside the conference's area, is refused
    from django.core.exceptions import ValidationError

    other = services.part_time_member_create(actor=world.users["district"], seat=world.c3, person_name="外街",
                                             home_unit=world.police, term_from=date(2021, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.conference_member_set_representatives(actor=world.users["district"], member_unit=world.mu1,
                                                       representatives=[other])
    assert exc.value.error_dict["representatives"][0].code == "not_a_seat"


def test_member_unit_once_while_current(world):
    from django.core.exceptions import ValidationError

    before = table_fingerprint(TABLES)
    with pytest.raises(ValidationError):
        services.conference_member_add(actor=world.users["district"], conference=world.conf1,
                                       outside_unit=world.police, joined_on=DAY)
    assert table_fingerprint(TABLES) == before


def test_resolution_needing_work_registers_a_case(world):
    street = world.users["street"]
    resolution = services.conference_resolution_create(actor=street, meeting=world.meeting1, text="增设活动场地",
                                                       needs_work=True, unit=world.c1)
    case = resolution.case
    assert case is not None and case.unit_id == world.c1.pk and case.source == "other"
    assert case.source_ref == f"org-joint-resolution-{resolution.pk}" and case.state == "registered"
    assert case.events.count() == 1
    assert AuditLog.objects.filter(action="case.register", object_id=str(case.pk)).count() == 1
    assert AuditLog.objects.filter(action="conference_resolution.create", object_id=str(resolution.pk)).count() == 1
    # a second case for the same resolution is refused
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.conference_resolution_create_case(actor=street, resolution=resolution)


def test_resolution_unit_outside_the_conference_is_refused(world):
    from django.core.exceptions import ValidationError

    before = table_fingerprint(TABLES)
    with pytest.raises(ValidationError) as exc:
        services.conference_resolution_create(actor=world.users["district"], meeting=world.meeting1, text="x",
                                              needs_work=True, unit=world.c3)
    assert exc.value.error_dict["unit"][0].code == "outside_area"
    assert table_fingerprint(TABLES) == before


def test_need_raised_once_from_a_visit_and_from_a_case(world):
    admin = world.users["district"]
    assert world.need1.source_visit_id == world.visit.pk and world.need1.unit_id == world.p1.pk
    assert world.need1.conference_id == world.conf1.pk
    again = services.joint_need_raise_from_visit(actor=admin, visit=world.visit)
    assert again.pk == world.need1.pk and JointNeed.objects.filter(source_visit=world.visit).count() == 1
    from supervision.services import case_register

    case = case_register(actor=admin, unit=world.p3, kind="dispute", source="hotline", category="other",
                         title="停车纠纷", description="车位不够")
    need = services.joint_need_raise_from_case(actor=admin, case=case)
    assert need.source_case_id == case.pk and need.conference_id == world.conf2.pk


def test_need_from_a_case_out_of_scope_is_refused(world):
    from supervision.services import case_register

    case = case_register(actor=world.users["district"], unit=world.p3, kind="dispute", source="hotline",
                         category="other", title="停车纠纷", description="车位不够")
    before = table_fingerprint(TABLES)
    with pytest.raises(ScopeDenied):
        services.joint_need_raise_from_case(actor=world.users["street"], case=case)
    assert table_fingerprint(TABLES) == before


def test_one_click_page_raises_from_a_case(client, world):
    from supervision.services import case_register

    case = case_register(actor=world.users["district"], unit=world.c1, kind="difficulty", source="hotline",
                         category="other", title="独居老人照护", description="需要助老")
    client.force_login(world.users["community"])
    r = client.get(reverse("org:joint_need_list"))
    assert case.pk in [c.pk for c in r.context["candidates"]["cases"]]
    assert world.visit2.pk in [v.pk for v in r.context["candidates"]["visits"]]
    r = client.post(reverse("org:joint_need_raise"), {"case": case.pk})
    assert r.status_code == 302
    need = JointNeed.objects.get(source_case=case)
    assert need.unit_id == world.c1.pk and need.state == JointNeedState.OPEN
    r = client.post(reverse("org:joint_need_raise"), {})
    assert r.status_code == 400


def test_project_matches_need_and_moves_through_its_states(world):
    street = world.users["street"]
    p = world.project1
    assert world.need1.__class__.objects.get(pk=world.need1.pk).state == JointNeedState.MATCHED
    assert [c.pk for c in p.communities.all()] == [world.c1.pk]
    assert [m.pk for m in p.member_units.all()] == [world.mu1.pk]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):  # completing needs it to be in progress
        services.joint_project_transition(actor=street, project=p, action="complete", results="done")
    services.joint_project_transition(actor=street, project=p, action="start")
    with pytest.raises(ValidationError) as exc:  # results required
        services.joint_project_transition(actor=street, project=p, action="complete")
    assert exc.value.error_dict["results"][0].code == "required"
    p = services.joint_project_transition(actor=street, project=p, action="complete", results="建成活动室",
                                          households_benefited=120)
    assert p.state == JointProjectState.COMPLETED and p.completed_on == TODAY
    assert list(p.events.values_list("to_state", flat=True)) == ["planned", "in_progress", "completed"]


def test_cancelling_the_only_project_reopens_the_need(world):
    street = world.users["street"]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.joint_project_transition(actor=street, project=world.project1, action="cancel")
    services.joint_project_transition(actor=street, project=world.project1, action="cancel", note="场地另有安排")
    assert JointNeed.objects.get(pk=world.need1.pk).state == JointNeedState.OPEN


def test_project_community_outside_the_area_is_refused(world):
    from django.core.exceptions import ValidationError

    before = table_fingerprint(TABLES)
    with pytest.raises(ValidationError) as exc:
        services.joint_project_create(actor=world.users["district"], conference=world.conf1, need=world.need_free,
                                      resource=world.res1, communities=[world.c3])
    assert exc.value.error_dict["communities"][0].code == "outside_area"
    with pytest.raises(ValidationError):  # a need of another conference
        services.joint_project_create(actor=world.users["district"], conference=world.conf1, need=world.need3,
                                      resource=world.res1)
    assert table_fingerprint(TABLES) == before


def test_street_cannot_write_into_another_streets_conference(world):
    before = table_fingerprint(TABLES)
    with pytest.raises(ScopeDenied):
        services.joint_project_create(actor=world.users["street"], conference=world.conf2, need=world.need3,
                                      resource=world.res3)
    with pytest.raises(ScopeDenied):
        services.conference_meeting_create(actor=world.users["street"], conference=world.conf2, held_on=DAY,
                                           title="x", agenda="y")
    assert table_fingerprint(TABLES) == before


def test_meeting_attendees_must_be_members(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.conference_meeting_create(actor=world.users["district"], conference=world.conf1, held_on=DAY,
                                           title="x", agenda="y", attendees=[world.mu2])
    assert exc.value.error_dict["attendees"][0].code == "not_member"


def test_one_conference_per_unit_and_level(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.joint_conference_create(actor=world.users["district"], unit=world.s1, name="重复",
                                         established_on=DAY)
    with pytest.raises(ValidationError) as exc:
        services.joint_conference_create(actor=world.users["district"], unit=world.c1, name="社区",
                                         established_on=DAY)
    assert exc.value.error_dict["unit"][0].code == "bad_level"


def test_lists_are_scoped(client, world):
    client.force_login(world.users["street"])
    r = client.get(f"{API}joint-conferences/")
    assert [row["id"] for row in r.json()["results"]] == [world.conf1.pk]
    r = client.get(f"{API}joint-projects/", {"unit": "C1"})
    assert [row["id"] for row in r.json()["results"]] == [world.project1.pk]
    assert client.get(f"{API}joint-projects/", {"unit": "S2"}).status_code == 400
    client.force_login(world.users["community"])
    r = client.get(reverse("org:joint_need_list"))
    assert {n.pk for n in r.context["page"].object_list} == {world.need1.pk, world.need_free.pk}


def test_figures(world):
    admin = world.users["district"]
    services.joint_project_transition(actor=admin, project=world.project1, action="start")
    services.joint_project_transition(actor=admin, project=world.project1, action="complete", results="建成")
    figures = compute(world.district, TODAY.year)
    assert figures["org.joint_conference_member_units"] == 2
    assert figures["org.joint_conference_meetings"] == (1 if DAY.year == TODAY.year else 0)
    assert figures["org.joint_needs_matched"] == 1
    assert figures["org.joint_projects_completed"] == 1
    s2 = compute(world.s2, TODAY.year)
    assert (s2["org.joint_conference_member_units"], s2["org.joint_needs_matched"],
            s2["org.joint_projects_completed"]) == (1, 0, 0)


# -- query counts ------------------------------------------------------------------------------------------

def _grow(world, n):
    admin = world.users["district"]
    for i in range(n):
        need = services.joint_need_create(actor=admin, unit=world.c2, title=f"需求{i}")
        services.joint_project_create(actor=admin, conference=world.conf1, need=need, resource=world.res1,
                                      communities=[world.c1, world.c2])
        services.conference_meeting_create(actor=admin, conference=world.conf1, held_on=DAY, title=f"会{i}",
                                           agenda="议程", attendees=[world.mu1])


@pytest.mark.parametrize("name", ["org:joint_conference_list", "org:joint_project_list", "org:joint_need_list"])
def test_list_pages_constant_queries(client, world, name):
    client.force_login(world.users["street"])
    client.get(reverse(name))
    counts = []
    for n in (2, 12):
        _grow(world, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("path", ["joint-conferences/", "joint-projects/"])
def test_api_lists_constant_queries(client, world, path):
    client.force_login(world.users["street"])
    counts = []
    for n in (2, 12):
        _grow(world, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{API}{path}").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_detail_page_shows_the_pieces(client, world):
    client.force_login(world.users["street"])
    r = client.get(reverse("org:joint_conference_detail", args=[world.conf1.pk]))
    assert r.status_code == 200 and r.context["can_change"]
    assert [m.pk for m in r.context["member_units"]] == [world.mu1.pk]
    assert [p.pk for p in r.context["projects"]] == [world.project1.pk]
    r = client.post(reverse("org:joint_meeting_create", args=[world.conf1.pk]),
                    {"held_on": DAY.isoformat(), "title": "", "agenda": ""})
    assert r.status_code == 400 and r.context["meeting_form"].has_error("title")
    assert VisitRecord.objects.count() == 2


def test_case_page_offers_the_one_click_button(client, world):
    from supervision.services import case_register

    case = case_register(actor=world.users["district"], unit=world.c1, kind="difficulty", source="hotline",
                         category="other", title="独居老人照护", description="需要助老")
    client.force_login(world.users["community"])
    page = reverse("supervision:case_detail", args=[case.pk])
    assert 'id="joint-need-raise"' in client.get(page).content.decode()
    assert client.post(reverse("org:joint_need_raise"), {"case": case.pk}).status_code == 302
    need = JointNeed.objects.get(source_case=case)
    assert f'data-need-id="{need.pk}"' in client.get(page).content.decode()
    client.force_login(world.users["leader"])  # sees the case, may not change: no button
    html = client.get(page).content.decode()
    assert 'id="joint-need-raise"' not in html and "joint-need-link" not in html
