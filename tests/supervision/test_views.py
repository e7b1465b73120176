"""The work-system pages: permission matrix for every view (with a department liaison persona),
behaviour (visit raising cases, transitions decided by the services, dispatch meeting acting through
the case services, consultation 销号, task chain, notifications), constant query counts."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from core.testing import PERSONAS, Case, run_matrix_case, table_fingerprint
from org.models import OutsideUnit, OutsideUnitKind
from supervision import services
from supervision.choices import (
    CaseAction,
    CaseKind,
    CaseSource,
    CaseState,
    Category,
    CauseKind,
    FindingDimension,
    NoticeState,
    NotificationKind,
    ResponsibleLevel,
)
from supervision.models import (
    AccountabilityInterview,
    AssignmentLetter,
    CaseEvent,
    Consultation,
    ConsultationItem,
    DispatchDecision,
    DispatchMeeting,
    DispatchSheet,
    Finding,
    Inspection,
    KeyTask,
    Notification,
    ProgressReport,
    RectificationItem,
    SupervisionNotice,
    TaskArea,
    VisitRecord,
)
from supervision.models import Case as CaseModel

pytestmark = pytest.mark.django_db

ALL_PERSONAS = PERSONAS + ("liaison",)
LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street", "liaison"}
TREE_RECORDERS = {"district", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
SEE_S1 = {"district", "leader", "street"}
DISTRICT = {"district", "leader"}
CASE_WATCH = (CaseModel, CaseEvent, VisitRecord, AuditLog)
# A refused id is recorded as a denial in the audit log, so the matrix watches the domain tables only.
MATRIX_CASE_WATCH = (CaseModel, CaseEvent, VisitRecord)


def build_world(tree):
    """Data for the pages: a department and its liaison, a visit that raised a case, a hard case, a
    case held by the department, the month's sheets, the quarter's consultation, a task with letters,
    an inspection with a finding, notices (draft and issued), a delegated item, a notification."""
    admin = tree.users["district"]
    today = timezone.localdate()
    w = SimpleNamespace(today=today, month=f"{today.year:04d}-{today.month:02d}",
                        quarter=f"{today.year:04d}-Q{(today.month - 1) // 3 + 1}")
    w.dept, w.dept2 = [
        OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code=f"QZ{n}", name=name,
                                   short_name=name, registered_at=tree.district)
        for n, name in enumerate(["苏仙区住建局", "苏仙区司法局"], start=1)
    ]
    liaison = User.objects.create_user("liaison", password=tree.password, full_name="联络员")
    RoleGrant.objects.create(user=liaison, unit=tree.district, role=Role.DEPARTMENT_LIAISON, department=w.dept,
                             valid_from=today)
    tree.users["liaison"] = liaison
    community = tree.users["community"]
    w.visit = services.visit_record_create(
        actor=community, place=tree.p1, visited_on=today, heard="楼道灯坏了", category=Category.INFRASTRUCTURE,
        cases=[{"title": "楼道灯维修", "kind": CaseKind.DIFFICULTY}])
    w.case = CaseModel.objects.get(visit=w.visit)
    w.hard = services.case_register(actor=admin, unit=tree.p1, kind=CaseKind.DISPUTE, source=CaseSource.HOTLINE,
                                    category=Category.PROPERTY_MANAGEMENT, title="物业费纠纷", description="欠费",
                                    is_hard=True)
    w.dept_case = services.case_register(actor=admin, unit=tree.p1, kind=CaseKind.DIFFICULTY,
                                         source=CaseSource.HOTLINE, category=Category.PROPERTY_CERTIFICATE,
                                         title="办证难", description="不动产证")
    services.case_accept(actor=admin, case=w.dept_case)
    services.case_escalate(actor=admin, case=w.dept_case, to_level=ResponsibleLevel.DEPARTMENT, department=w.dept,
                           reason="需住建局")
    w.c3_case = services.case_register(actor=admin, unit=tree.p3, kind=CaseKind.DISPUTE, source=CaseSource.HOTLINE,
                                       category=Category.NEIGHBOURHOOD, title="邻里噪音", description="噪音")
    w.sheet = services.dispatch_sheet_generate(actor=admin, period=w.month, unit=tree.s1)
    w.dept_sheet = services.dispatch_sheet_generate(actor=admin, period=w.month, department=w.dept)
    w.consultation = services.consultation_build(actor=admin, period=w.quarter, unit=tree.s1)
    w.item = ConsultationItem.objects.get(consultation=w.consultation, case=w.hard)
    area = services.task_area_create(actor=admin, owner=tree.district, year=today.year, number=1, name="组织体系")
    w.task = services.key_task_create(actor=admin, area=area, number=1, title="小区党支部全覆盖",
                                      deadline=today + dt.timedelta(days=90))
    w.letter = services.assignment_letter_issue(actor=admin, task=w.task, issued_on=today - dt.timedelta(days=30),
                                                deadline=today - dt.timedelta(days=1), unit=tree.s1)
    w.dept_letter = services.assignment_letter_issue(actor=admin, task=w.task, issued_on=today,
                                                     deadline=today + dt.timedelta(days=30), department=w.dept,
                                                     role="support")
    w.inspection = services.inspection_create(actor=admin, unit=tree.district, held_on=today, inspectors="督查组",
                                              places=[tree.c1])
    w.finding = services.finding_create(actor=admin, inspection=w.inspection, dimension=FindingDimension.PROGRESS,
                                        description="进度滞后", unit=tree.s1, key_task=w.task)
    w.rectification = services.rectification_item_create(actor=admin, finding=w.finding, description="限期整改",
                                                          deadline=today + dt.timedelta(days=10))
    w.notice = services.supervision_notice_create(actor=admin, cause_kind=CauseKind.LETTER, cause=w.letter,
                                                  period=w.month, unit=tree.s1)
    w.issued = services.supervision_notice_create(actor=admin, cause_kind=CauseKind.FINDING, cause=w.finding,
                                                  period=w.month, unit=tree.s1)
    services.supervision_notice_issue(actor=admin, notice=w.issued, issued_on=today)
    w.item_catalogue = services.delegated_service_item_create(actor=admin, owner=tree.district, code="XF001",
                                                              name="居住证明", department=w.dept,
                                                              delegated_on=today)
    w.notification = services.notification_create(actor=admin, recipient=community,
                                                   kind=NotificationKind.CASE_ASSIGNED,
                                                   params={"title": "楼道灯维修", "due_on": "x"},
                                                   link=reverse("supervision:case_detail", args=[w.case.pk]),
                                                   dedupe_key="t1")
    tree.w = w
    return w


@pytest.fixture
def world(tree):
    return build_world(tree)


def u(name, *args, query=""):
    def make(t):
        resolved = [a(t) if callable(a) else a for a in args]
        return reverse(f"supervision:{name}", args=resolved) + query
    return make


def w(attr):
    return lambda t: getattr(t.w, attr).pk


def visit_post(t):
    return {"place": t.p1.pk, "visited_on": t.w.today.isoformat(), "category": Category.ENVIRONMENT,
            "heard": "垃圾清运不及时", "households": "3-201", "households_count": "2",
            "case1-title": "垃圾清运", "case1-kind": CaseKind.DIFFICULTY}


MATRIX = [
    Case("home", u("home"), LOGGED_IN),
    Case("visit_list", u("visit_list"), LOGGED_IN),
    Case("visit_list_mine", u("visit_list", query="?mine=1"), LOGGED_IN),
    Case("visit_coverage", u("visit_coverage"), LOGGED_IN),
    Case("visit_form", u("visit_create"), TREE_RECORDERS),
    Case("visit_create_p1", u("visit_create"), {"district", "street", "community"}, method="post", data=visit_post,
         ok_status=(302,), models=MATRIX_CASE_WATCH),
    Case("case_list", u("case_list"), LOGGED_IN),
    Case("case_form", u("case_create"), TREE_RECORDERS),
    Case("case_register_p1", u("case_create"), {"district", "street", "community"}, method="post",
         data=lambda t: {"unit": t.p1.pk, "kind": CaseKind.DISPUTE, "source": CaseSource.HOTLINE,
                         "category": Category.NEIGHBOURHOOD, "title": "热线", "description": "噪音"},
         ok_status=(302,), models=MATRIX_CASE_WATCH),
    Case("case_detail", u("case_detail", w("case")), SEE_C1),
    Case("case_detail_dept", u("case_detail", w("dept_case")), SEE_C1 | {"liaison"}),
    Case("case_detail_c3", u("case_detail", w("c3_case")), {"district", "leader", "other_street"}),
    # leader and the sibling see or not, but only who holds the case may act
    Case("case_accept", u("case_action", w("case"), "accept"), {"district", "street", "community"}, method="post",
         data=lambda t: {}, ok_status=(302,), models=MATRIX_CASE_WATCH),
    Case("case_resolve_dept", u("case_action", w("dept_case"), "resolve"), {"district", "liaison"}, method="post",
         data=lambda t: {"resolve-resolution": "已办证"}, ok_status=(302,), models=MATRIX_CASE_WATCH),
    Case("case_unknown_action", u("case_action", w("case"), "delete"), set(), method="post", data=lambda t: {},
         models=MATRIX_CASE_WATCH),
    Case("dispatch_list", u("dispatch_list"), LOGGED_IN),
    Case("dispatch_detail", u("dispatch_detail", w("sheet")), SEE_S1),
    Case("dispatch_detail_dept", u("dispatch_detail", w("dept_sheet")), DISTRICT | {"liaison"}),
    Case("dispatch_export", u("dispatch_export", w("sheet")), SEE_S1),
    Case("dispatch_generate", u("dispatch_generate"), {"district", "street"}, method="post",
         data=lambda t: {"period": t.w.month, "target": f"u{t.s1.pk}", "regenerate": "on"}, ok_status=(302,),
         models=(DispatchSheet,)),
    Case("dispatch_meeting_form", u("dispatch_meeting", w("sheet")), {"district", "street"}),
    Case("dispatch_meeting", u("dispatch_meeting", w("sheet")), {"district", "street"}, method="post",
         data=lambda t: {"held_on": t.w.today.isoformat(), "attendees": "街道班子",
                         f"c{t.w.case.pk}-action": "reprioritise", f"c{t.w.case.pk}-priority": "high"},
         ok_status=(302,), models=(DispatchMeeting, DispatchDecision, CaseModel, CaseEvent)),
    Case("dispatch_meeting_dept", u("dispatch_meeting", w("dept_sheet")), {"district", "liaison"}, method="post",
         data=lambda t: {"held_on": t.w.today.isoformat(), "attendees": "局务会"}, ok_status=(302,),
         models=(DispatchMeeting,)),
    Case("consultation_list", u("consultation_list"), LOGGED_IN),
    Case("consultation_detail", u("consultation_detail", w("consultation")), SEE_S1),
    Case("consultation_build", u("consultation_build"), {"district", "street"}, method="post",
         data=lambda t: {"period": t.w.quarter, "unit": t.s1.pk}, ok_status=(302,),
         models=(ConsultationItem,)),
    Case("consultation_record", u("consultation_record", w("consultation")), {"district", "street"}, method="post",
         data=lambda t: {"held_on": t.w.today.isoformat(), "participants": "街道、社区、物业"}, ok_status=(302,),
         models=(Consultation,)),
    Case("consultation_decide", u("consultation_decide", w("item")), {"district", "street"}, method="post",
         data=lambda t: {f"i{t.w.item.pk}-decision": "carry_over", f"i{t.w.item.pk}-note": "下季度再议"},
         ok_status=(302,), models=(ConsultationItem,)),
    Case("task_list", u("task_list"), LOGGED_IN),
    # the district adds areas and key tasks on the list page (CHANGE over the root; others: 404)
    Case("task_area_create", lambda t: reverse("supervision:task_list") + f"?year={t.w.today.year}", {"district"},
         method="post", data=lambda t: {"form": "area", "area-number": "2", "area-name": "队伍建设"},
         ok_status=(302,), models=(TaskArea,)),
    Case("key_task_create", lambda t: reverse("supervision:task_list") + f"?year={t.w.today.year}", {"district"},
         method="post", data=lambda t: {"form": "task", "task-area": str(t.w.task.area_id), "task-number": "2",
                                        "task-title": "党员积分管理",
                                        "task-deadline": (t.w.today + dt.timedelta(days=30)).isoformat()},
         ok_status=(302,), models=(KeyTask,)),
    Case("task_detail", u("task_detail", w("task")), DISTRICT),
    Case("letter_issue", u("letter_issue", w("task")), {"district"}, method="post",
         data=lambda t: {"target": f"d{t.w.dept2.pk}", "role": "lead", "issued_on": t.w.today.isoformat(),
                         "deadline": (t.w.today + dt.timedelta(days=60)).isoformat()},
         ok_status=(302,), models=(AssignmentLetter,)),
    Case("letter_detail", u("letter_detail", w("letter")), SEE_S1),
    Case("letter_detail_dept", u("letter_detail", w("dept_letter")), DISTRICT | {"liaison"}),
    Case("progress_report", u("progress_report_create", w("letter")), {"district", "street"}, method="post",
         data=lambda t: {"reported_on": t.w.today.isoformat(), "percent": "40", "text": "已完成摸底"},
         ok_status=(302,), models=(ProgressReport,)),
    Case("progress_report_dept", u("progress_report_create", w("dept_letter")), {"district", "liaison"},
         method="post", data=lambda t: {"reported_on": t.w.today.isoformat(), "percent": "100", "text": "完成",
                                        "completes": "on"},
         ok_status=(302,), models=(ProgressReport,)),
    Case("inspection_list", u("inspection_list"), LOGGED_IN),
    Case("inspection_detail", u("inspection_detail", w("inspection")), DISTRICT),
    Case("inspection_create", u("inspection_create"), {"district", "street", "other_street"}, method="post",
         data=lambda t: {"held_on": t.w.today.isoformat(), "inspectors": "督查组"}, ok_status=(302,),
         models=(Inspection,)),
    Case("finding_create", u("finding_create", w("inspection")), {"district"}, method="post",
         data=lambda t: {"dimension": FindingDimension.CONDUCT, "description": "作风漂浮", "unit": "S1",
                         "rectification": "整改", "deadline": t.w.today.isoformat()},
         ok_status=(302,), models=(Finding, RectificationItem)),
    Case("finding_list", u("finding_list"), LOGGED_IN),
    Case("rectification_follow_up", u("rectification_follow_up", w("rectification")), {"district", "street"},
         method="post", data=lambda t: {f"r{t.w.rectification.pk}-follow_up": "已整改",
                                        f"r{t.w.rectification.pk}-done_on": t.w.today.isoformat()},
         ok_status=(302,), models=(RectificationItem,)),
    Case("notice_list", u("notice_list"), LOGGED_IN),
    # A draft is internal to the district; the targeted street sees the notice once it is issued.
    Case("notice_detail", u("notice_detail", w("notice")), DISTRICT),
    Case("notice_detail_issued", u("notice_detail", w("issued")), SEE_S1),
    # Issuing and withdrawing are the district's (CHANGE over the root), even for a notice about S1;
    # interviews need CHANGE scope over the notice's target.
    Case("notice_issue", u("notice_issue", w("notice")), {"district"}, method="post",
         data=lambda t: {"issued_on": t.w.today.isoformat()}, ok_status=(302,), models=(SupervisionNotice,)),
    Case("notice_withdraw", u("notice_withdraw", w("notice")), {"district"}, method="post",
         data=lambda t: {"reason": "已整改"}, ok_status=(302,), models=(SupervisionNotice,)),
    # The level above holds the interview: the street never interviews itself.
    Case("notice_interview", u("notice_interview", w("issued")), {"district"}, method="post",
         data=lambda t: {"held_on": t.w.today.isoformat(), "interviewee": "街道书记", "interviewer": "组织部长"},
         ok_status=(302,), models=(AccountabilityInterview,)),
    Case("interview_list", u("interview_list"), LOGGED_IN),
    Case("delegated_items", u("delegated_item_list"), LOGGED_IN),
    Case("notification_list", u("notification_list"), LOGGED_IN),
    Case("notification_badge", u("notification_badge"), LOGGED_IN, headers={"HX-Request": "true"}),
    Case("notification_read_own", u("notification_read"), {"community"}, method="post",
         data=lambda t: {"id": t.w.notification.pk}, ok_status=(302,), models=(Notification,)),
    Case("notification_read_all", u("notification_read"), LOGGED_IN, method="post", data=lambda t: {},
         ok_status=(302,)),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)


# -- visits ---------------------------------------------------------------------------------------

def test_visit_form_defaults_to_today_and_own_community(client, tree):
    client.force_login(tree.users["community"])
    r = client.get(reverse("supervision:visit_create"))
    form = r.context["form"]
    assert form["visited_on"].value() == timezone.localdate()
    assert form["place"].value() == tree.c1.pk
    assert [c for c, _label in form.fields["place"].choices] == [tree.c1.pk, tree.p1.pk, tree.b1.pk]
    assert form["category"].value() == Category.OTHER


def test_visit_raises_two_cases_in_one_submit(client, tree):
    client.force_login(tree.users["community"])
    data = {"place": tree.b1.pk, "visited_on": timezone.localdate().isoformat(), "category": Category.SAFETY,
            "heard": "电动车楼道充电", "households_count": "3",
            "case1-title": "电动车充电隐患", "case1-kind": CaseKind.DIFFICULTY,
            "case2-title": "邻居争吵", "case2-kind": CaseKind.DISPUTE, "case2-is_hard": "on", "case3-title": ""}
    r = client.post(reverse("supervision:visit_create"), data)
    assert r.status_code == 302 and r["Location"].endswith("?mine=1")
    visit = VisitRecord.objects.get()
    assert (visit.place_id, visit.cadre_id, visit.needs_follow_up) == (tree.b1.pk, tree.users["community"].pk, True)
    cases = {c.title: c for c in CaseModel.objects.filter(visit=visit)}
    assert set(cases) == {"电动车充电隐患", "邻居争吵"}
    assert cases["邻居争吵"].kind == CaseKind.DISPUTE and cases["邻居争吵"].is_hard
    assert all(c.category == Category.SAFETY and c.source == CaseSource.VISIT for c in cases.values())
    r = client.get(reverse("supervision:case_list"))
    assert {c.pk for c in r.context["page"].object_list} == {c.pk for c in cases.values()}


def test_visit_form_errors_write_nothing(client, tree):
    client.force_login(tree.users["community"])
    before = table_fingerprint(CASE_WATCH)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    r = client.post(reverse("supervision:visit_create"), {"place": tree.p1.pk, "visited_on": future,
                                                         "category": Category.OTHER, "heard": "x",
                                                         "households_count": "1", "case1-title": "t"})
    assert r.status_code == 200 and "visited_on" in r.context["form"].errors
    r = client.post(reverse("supervision:visit_create"), {"place": tree.p1.pk, "visited_on": "",
                                                         "category": Category.OTHER, "heard": "",
                                                         "households_count": "1"})
    assert {"heard", "visited_on"} <= set(r.context["form"].errors)
    assert table_fingerprint(CASE_WATCH) == before


def test_visit_list_mine_and_filters(client, tree, world):
    admin = tree.users["district"]
    services.visit_record_create(actor=admin, place=tree.p3, visited_on=world.today, heard="x",
                                 category=Category.SAFETY)
    client.force_login(admin)
    r = client.get(reverse("supervision:visit_list"))
    assert r.context["page"].paginator.count == 2
    r = client.get(reverse("supervision:visit_list"), {"mine": "1"})
    assert r.context["page"].paginator.count == 1
    r = client.get(reverse("supervision:visit_list"), {"unit": "S1"})
    assert [v.pk for v in r.context["page"].object_list] == [world.visit.pk]
    r = client.get(reverse("supervision:visit_list"), {"category": Category.SAFETY})
    assert r.context["page"].paginator.count == 1
    r = client.get(reverse("supervision:visit_list"), {"unit": "NOPE"})
    assert "unit" in r.context["form"].errors and r.context["page"].paginator.count == 0
    client.force_login(tree.users["community2"])
    assert client.get(reverse("supervision:visit_list")).context["page"].paginator.count == 0


def test_coverage_counts_visits_per_community(client, tree, world):
    client.force_login(tree.users["street"])
    r = client.get(reverse("supervision:visit_coverage"))
    rows = {row["unit"].code: row for row in r.context["rows"]}
    assert set(rows) == {"C1", "C2"}
    assert (rows["C1"]["visits"], rows["C1"]["cadres"], rows["C1"]["expected"]) == (1, 1, 1)
    assert rows["C2"]["visits"] == 0
    assert r.context["totals"]["visited"] == 1


# -- cases ----------------------------------------------------------------------------------------

def test_case_list_filters(client, tree, world):
    client.force_login(tree.users["district"])
    url = reverse("supervision:case_list")

    def ids(**params):
        return {c.pk for c in client.get(url, params).context["page"].object_list}

    assert ids() == {world.case.pk, world.hard.pk, world.dept_case.pk, world.c3_case.pk}
    assert ids(state=CaseState.ESCALATED) == {world.dept_case.pk}
    assert ids(kind=CaseKind.DISPUTE) == {world.hard.pk, world.c3_case.pk}
    assert ids(category=Category.NEIGHBOURHOOD) == {world.c3_case.pk}
    assert ids(unit="S2") == {world.c3_case.pk}
    assert ids(hard="1") == {world.hard.pk}
    assert ids(department=world.dept.pk) == {world.dept_case.pk}
    assert ids(q="物业") == {world.hard.pk}
    assert ids(overdue="1") == set()
    CaseModel.objects.filter(pk=world.case.pk).update(due_on=world.today - dt.timedelta(days=1),
                                                      registered_on=world.today - dt.timedelta(days=20))
    assert ids(overdue="1") == {world.case.pk}
    r = client.get(url, {"overdue": "1"})
    assert 'data-overdue="1"' in r.content.decode()
    client.force_login(tree.users["liaison"])
    assert ids() == {world.dept_case.pk}


def _more_cases(tree, n):
    admin = tree.users["district"]
    for i in range(n):
        case = services.case_register(actor=admin, unit=tree.p1 if i % 2 else tree.p3, kind=CaseKind.DISPUTE,
                                      source=CaseSource.HOTLINE, category=Category.OTHER, title=f"案{i}",
                                      description="d")
        if i % 3 == 0:
            services.case_accept(actor=admin, case=case)


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["district", "street", "liaison"])
def test_case_list_constant_queries(client, tree, world, persona):
    client.force_login(tree.users[persona])
    url = reverse("supervision:case_list")
    params = {"state": "open", "q": "案", "hard": "0"}
    _more_cases(tree, 3)
    _count(client, url, params)  # warm up (session, content types)
    small = _count(client, url, params)
    _more_cases(tree, 60)  # more than a page
    large = _count(client, url, params)
    assert small == large, (small, large)
    assert large <= 14


@pytest.mark.parametrize("name", ["visit_list", "dispatch_list", "consultation_list", "notice_list", "task_list",
                                  "notification_list", "delegated_item_list", "visit_coverage", "inspection_list",
                                  "interview_list", "home"])
def test_other_lists_constant_queries(client, tree, world, name):
    admin = tree.users["district"]

    def add(start, stop):
        for i in range(start, stop):
            services.visit_record_create(actor=admin, place=tree.p1 if i % 2 else tree.p3, visited_on=world.today,
                                         heard=f"民情{i}", cases=[{"title": f"案{i}"}])
            services.notification_create(actor=admin, recipient=admin, kind=NotificationKind.CASE_ASSIGNED,
                                         params={"title": "x", "due_on": "y"}, dedupe_key=f"n{i}")

    add(0, 1)
    client.force_login(admin)
    url = reverse(f"supervision:{name}")
    _count(client, url)
    small = _count(client, url)
    add(1, 10)
    large = _count(client, url)
    assert small == large, (name, small, large)


def test_case_page_shows_whole_history_and_returner(client, tree, world):
    admin, street = tree.users["district"], tree.users["street"]
    case = world.case
    services.case_accept(actor=admin, case=case)
    services.case_escalate(actor=admin, case=case, to_level=ResponsibleLevel.STREET, reason="社区协调不了")
    services.case_return(actor=street, case=case, reason="属社区职责", to_level=ResponsibleLevel.COMMUNITY)
    client.force_login(tree.users["community"])
    r = client.get(reverse("supervision:case_detail", args=[case.pk]))
    history = r.context["history"]
    assert [e.action for e in history] == ["register", "accept", "escalate", "return"]
    ret = history[-1]
    assert (ret.actor_id, ret.from_unit_id, ret.to_unit_id, ret.reason) == (street.pk, tree.s1.pk, tree.c1.pk,
                                                                            "属社区职责")
    html = r.content.decode()
    assert f'data-from="{tree.s1.code}"' in html and 'data-action="return"' in html


def _action_names(response):
    return [a for a, _label, _form in response.context["action_forms"]]


def test_buttons_only_for_what_the_user_may_do_now(client, tree, world):
    url = reverse("supervision:case_detail", args=[world.case.pk])
    client.force_login(tree.users["community"])
    assert _action_names(client.get(url)) == ["accept", "assign", "reprioritise"]
    client.force_login(tree.users["leader"])
    assert _action_names(client.get(url)) == []
    # held by the department: the community sees it but may do nothing; the liaison may
    dept_url = reverse("supervision:case_detail", args=[world.dept_case.pk])
    client.force_login(tree.users["community"])
    assert _action_names(client.get(dept_url)) == []
    client.force_login(tree.users["liaison"])
    assert set(_action_names(client.get(dept_url))) == {"return", "send_to_consultation", "resolve", "assign",
                                                        "reprioritise", "escalate"}


def test_refused_transition_is_a_form_error_and_writes_nothing(client, tree, world):
    client.force_login(tree.users["community"])
    before = table_fingerprint(CASE_WATCH)
    r = client.post(reverse("supervision:case_action", args=[world.case.pk, "resolve"]),
                    {"resolve-resolution": "修好了"})  # registered: cannot be resolved yet
    assert r.status_code == 400
    assert r.context["failed_action"] == "resolve"
    forms = {a: f for a, _l, f in r.context["action_forms"]}
    assert forms["resolve"].has_error("__all__")  # the service's refusal, shown on the form
    assert table_fingerprint(CASE_WATCH) == before
    assert "resolve" not in _action_names(client.get(reverse("supervision:case_detail", args=[world.case.pk])))
    # … and an escalation without a reason is refused on its form
    services.case_accept(actor=tree.users["community"], case=world.case)
    before = table_fingerprint(CASE_WATCH)
    r = client.post(reverse("supervision:case_action", args=[world.case.pk, "escalate"]),
                    {"escalate-to_level": ResponsibleLevel.STREET, "escalate-reason": ""})
    assert r.status_code == 400
    forms = {a: f for a, _l, f in r.context["action_forms"]}
    assert "reason" in forms["escalate"].errors
    assert table_fingerprint(CASE_WATCH) == before


def test_full_case_flow_through_the_pages(client, tree, world):
    case = world.case
    client.force_login(tree.users["community"])

    def act(action, data=None, user="community"):
        client.force_login(tree.users[user])
        r = client.post(reverse("supervision:case_action", args=[case.pk, action]),
                        {f"{action}-{k}": v for k, v in (data or {}).items()})
        assert r.status_code == 302, (action, getattr(r, "context", None) and r.context.get("action_forms"))

    act("accept")
    act("start")
    act("escalate", {"to_level": ResponsibleLevel.STREET, "reason": "需街道协调"})
    act("resolve", {"resolution": "街道协调物业更换"}, user="street")
    # the holder (now the street) follows up with the resident and reopens
    client.force_login(tree.users["community"])
    r = client.post(reverse("supervision:case_action", args=[case.pk, "follow_up"]),
                    {"follow_up-satisfaction": "not_satisfied"})
    assert r.status_code == 404
    act("follow_up", {"satisfaction": "not_satisfied", "reason": "灯又坏"}, user="street")
    act("reopen", {"reason": "居民不满意"}, user="street")
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True).order_by("at", "id")) == [
        "register", "accept", "start", "escalate", "resolve", "follow_up", "reopen"]


def test_case_register_by_hand(client, tree):
    client.force_login(tree.users["street"])
    r = client.post(reverse("supervision:case_create"), {
        "unit": tree.c2.pk, "kind": CaseKind.DISPUTE, "source": CaseSource.HOTLINE, "category": Category.LABOUR,
        "title": "欠薪", "description": "农民工工资", "households_affected": "0"})
    assert r.status_code == 302
    case = CaseModel.objects.get()
    assert (case.unit_id, case.source, case.created_by_id) == (tree.c2.pk, CaseSource.HOTLINE,
                                                               tree.users["street"].pk)


# -- dispatch -------------------------------------------------------------------------------------

def test_dispatch_sheet_page_shows_the_stored_numbers(client, tree, world):
    """The page shows the sheet the service generated from the records (numbers = records: test_exports)."""
    admin = tree.users["district"]
    services.dispatch_sheet_generate(actor=admin, period=world.month, unit=tree.s1, regenerate=True)
    client.force_login(tree.users["street"])
    r = client.get(reverse("supervision:dispatch_detail", args=[world.sheet.pk]))
    sheet = r.context["sheet"]
    html = r.content.decode()
    for name in ("new_cases", "resolved_cases", "open_cases", "overdue_cases", "visits", "tasks_due"):
        assert f'data-number="{name}" data-value="{getattr(sheet, name)}"' in html
    assert sheet.tasks_due == 1  # the overdue letter to S1
    assert [row["code"] for row in r.context["data"]["coverage"]] == ["C1", "C2"]
    assert r.context["can_record"] and r.context["can_export"]
    client.force_login(tree.users["leader"])
    r = client.get(reverse("supervision:dispatch_detail", args=[world.sheet.pk]))
    assert not r.context["can_record"] and r.context["can_export"]
    assert 'data-action="meeting"' not in r.content.decode()


def test_dispatch_meeting_decisions_act_through_case_services(client, tree, world):
    client.force_login(tree.users["street"])
    url = reverse("supervision:dispatch_meeting", args=[world.sheet.pk])
    r = client.get(url)
    assert {c.pk for c, _f in r.context["rows"]} == {world.case.pk, world.hard.pk, world.dept_case.pk}
    services.case_accept(actor=tree.users["street"], case=world.case)
    new_due = world.today + dt.timedelta(days=5)
    r = client.post(url, {"held_on": world.today.isoformat(), "attendees": "街道班子、社区书记",
                          f"c{world.case.pk}-action": "assign", f"c{world.case.pk}-due_on": new_due.isoformat(),
                          f"c{world.case.pk}-note": "限期",
                          f"c{world.hard.pk}-action": "escalate", f"c{world.hard.pk}-to_level": "street",
                          f"c{world.hard.pk}-note": "街道牵头"})
    assert r.status_code == 400  # the hard case is still "registered": escalation refused, nothing written
    assert not DispatchMeeting.objects.exists()
    r = client.post(url, {"held_on": world.today.isoformat(), "attendees": "街道班子、社区书记",
                          f"c{world.case.pk}-action": "assign", f"c{world.case.pk}-due_on": new_due.isoformat(),
                          f"c{world.case.pk}-note": "限期"})
    assert r.status_code == 302
    decision = DispatchDecision.objects.get()
    assert decision.case_id == world.case.pk and decision.event.action == CaseAction.ASSIGN
    world.case.refresh_from_db()
    assert world.case.due_on == new_due


# -- consultation ---------------------------------------------------------------------------------

def test_consultation_decide_resolved_closes_item(client, tree, world):
    admin = tree.users["district"]
    services.case_accept(actor=admin, case=world.hard)
    services.case_start(actor=admin, case=world.hard)
    client.force_login(tree.users["street"])
    r = client.post(reverse("supervision:consultation_decide", args=[world.item.pk]),
                    {f"i{world.item.pk}-decision": "resolved", f"i{world.item.pk}-resolution": "会商化解"})
    assert r.status_code == 302
    world.item.refresh_from_db()
    assert world.item.closed_on is not None and world.item.decision == "resolved"
    r = client.get(reverse("supervision:consultation_detail", args=[world.consultation.pk]))
    assert r.context["closed"] == 1
    assert 'data-closed="1"' in r.content.decode()


# -- task list and supervision chain ----------------------------------------------------------------

def test_task_page_traces_letters_notices_interviews(client, tree, world):
    admin = tree.users["district"]
    services.supervision_notice_issue(actor=admin, notice=world.notice, issued_on=world.today)
    interview = services.accountability_interview_create(actor=admin, held_on=world.today, interviewee="街道书记",
                                                         interviewer="部长", notice=world.notice)
    client.force_login(admin)
    r = client.get(reverse("supervision:task_detail", args=[world.task.pk]))
    letters = {letter.pk: letter for letter in r.context["letters"]}
    assert letters[world.letter.pk].is_overdue and not letters[world.dept_letter.pk].is_overdue
    assert [n.pk for n in letters[world.letter.pk].chain_notices] == [world.notice.pk]
    assert [i.pk for i in letters[world.letter.pk].chain_interviews] == [interview.pk]
    # and back: the notice links to its letter and the task
    r = client.get(reverse("supervision:notice_detail", args=[world.notice.pk]))
    html = r.content.decode()
    assert reverse("supervision:letter_detail", args=[world.letter.pk]) in html
    assert r.context["chain"]["task"].pk == world.task.pk
    assert [i.pk for i in r.context["chain"]["interviews"]] == [interview.pk]


def test_task_list_counts_overdue_letters(client, tree, world):
    client.force_login(tree.users["district"])
    r = client.get(reverse("supervision:task_list"))
    task = r.context["tasks"][0]
    assert (task.letter_count, task.overdue_letters) == (2, 1)
    assert r.context["overdue_count"] == 1
    client.force_login(tree.users["street"])
    r = client.get(reverse("supervision:task_list"))
    assert r.context["tasks"] == [] and [letter.pk for letter in r.context["letters"]] == [world.letter.pk]


def test_progress_report_completes_letter(client, tree, world):
    client.force_login(tree.users["liaison"])
    r = client.post(reverse("supervision:progress_report_create", args=[world.dept_letter.pk]),
                    {"reported_on": world.today.isoformat(), "percent": "90", "text": "t", "completes": "on"})
    assert r.status_code == 400  # completing needs 100 %
    assert not ProgressReport.objects.exists()


# -- notifications --------------------------------------------------------------------------------

def test_notifications_badge_and_mark_read(client, tree, world):
    community = tree.users["community"]
    client.force_login(community)
    r = client.get(reverse("supervision:home"))
    assert 'id="notif-bell"' in r.content.decode() and 'data-unread="1"' in r.content.decode()
    r = client.post(reverse("supervision:notification_read"), {"id": world.notification.pk, "open": "1"})
    assert r.status_code == 302 and r["Location"] == reverse("supervision:case_detail", args=[world.case.pk])
    world.notification.refresh_from_db()
    assert world.notification.read_at is not None
    r = client.get(reverse("supervision:notification_badge"), headers={"HX-Request": "true"})
    assert 'data-unread="0"' in r.content.decode() and "<html" not in r.content.decode()


def test_unread_count_costs_one_query_per_page(client, tree, world):
    community = tree.users["community"]
    client.force_login(community)
    url = reverse("supervision:delegated_item_list")
    _count(client, url)
    small = _count(client, url)
    for i in range(5):
        services.notification_create(actor=community, recipient=community, kind=NotificationKind.LETTER,
                                     params={}, dedupe_key=f"k{i}")
    assert _count(client, url) == small


def test_backend_notification_links_resolve(tree, world):
    from django.urls import resolve

    admin = tree.users["district"]
    services.case_accept(actor=admin, case=world.case)
    services.case_escalate(actor=admin, case=world.case, to_level=ResponsibleLevel.STREET, reason="r")
    links = set(Notification.objects.exclude(link="").values_list("link", flat=True))
    assert links
    for link in links:
        match = resolve(link.split("?")[0])
        assert match.app_name == "supervision", link


def test_nav_shows_work_system_live(client, tree):
    client.force_login(tree.users["community"])
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("supervision:home")}"' in html and 'data-nav="supervision"' in html
    assert NoticeState.DRAFT  # (choices import kept for readers of the matrix)


def test_liaison_handing_a_case_back_lands_on_the_list(client, tree, world):
    client.force_login(tree.users["liaison"])
    r = client.post(reverse("supervision:case_action", args=[world.dept_case.pk, "return"]),
                    {"return-to_level": ResponsibleLevel.STREET, "return-reason": "属街道职责"})
    assert r.status_code == 302 and r["Location"] == reverse("supervision:case_list")
    event = CaseEvent.objects.filter(case=world.dept_case).latest("id")
    assert (event.action, event.from_department_id, event.to_unit_id) == ("return", world.dept.pk, tree.s1.pk)
    assert client.get(reverse("supervision:case_detail", args=[world.dept_case.pk])).status_code == 404


# -- the task list: areas and key tasks added by the district ----------------------------------------

@pytest.mark.parametrize("persona,forms", [("district", True), ("leader", False), ("street", False)])
def test_task_list_forms_only_for_the_district(client, tree, world, persona, forms):
    client.force_login(tree.users[persona])
    r = client.get(reverse("supervision:task_list") + f"?year={world.today.year}")
    assert r.status_code == 200
    assert (r.context.get("area_form") is not None, r.context.get("task_form") is not None) == (forms, forms)
    assert (b'data-task-list-action="task"' in r.content) is forms


def test_district_adds_an_area_and_a_key_task(client, tree, world):
    client.force_login(tree.users["district"])
    url = reverse("supervision:task_list") + f"?year={world.today.year}"
    r = client.post(url, {"form": "area", "area-number": "2", "area-name": "队伍建设"})
    assert r.status_code == 302
    area = TaskArea.objects.get(owner=tree.district, year=world.today.year, number=2)
    r = client.post(url, {"form": "task", "task-area": str(area.pk), "task-number": "2", "task-title": "积分管理",
                          "task-deadline": (world.today + dt.timedelta(days=30)).isoformat()})
    assert r.status_code == 302
    task = KeyTask.objects.get(area=area)
    assert (task.owner_id, task.year, task.number) == (tree.district.pk, world.today.year, 2)
    assert AuditLog.objects.filter(action__in=["task_area.create", "key_task.create"]).count() == 4  # world: 2


def test_task_list_bad_input_is_refused_whole(client, tree, world):
    client.force_login(tree.users["district"])
    url = reverse("supervision:task_list") + f"?year={world.today.year}"
    before = table_fingerprint((TaskArea, KeyTask))
    r = client.post(url, {"form": "area", "area-number": "1", "area-name": "重复"})  # number 1 is taken
    assert r.status_code == 400 and r.context["area_form"].errors
    r = client.post(url, {"form": "task", "task-area": str(world.task.area_id), "task-number": "1",
                          "task-title": "重复", "task-deadline": world.today.isoformat()})  # task 1 of the year is taken
    assert r.status_code == 400 and r.context["task_form"].errors
    r = client.post(url, {"form": "task", "task-area": "999999", "task-number": "5", "task-title": "x",
                          "task-deadline": world.today.isoformat()})
    assert r.status_code == 400 and r.context["task_form"].has_error("area", "invalid_choice")
    assert table_fingerprint((TaskArea, KeyTask)) == before
