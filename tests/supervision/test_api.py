"""The work-system API: permission matrix for every endpoint (with a department liaison), reads
scoped, writes through the services (refused writes leave the tables unchanged), transitions,
constant query counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import Case, run_matrix_case
from supervision import services
from supervision.choices import CaseKind, CaseSource, Category, NotificationKind, ResponsibleLevel
from supervision.models import Case as CaseModel
from supervision.models import (
    CaseEvent,
    DispatchSheet,
    Notification,
    ProgressReport,
    SupervisionNotice,
    VisitRecord,
)

from .test_views import ALL_PERSONAS, DISTRICT, LOGGED_IN, SEE_C1, SEE_S1, build_world

pytestmark = pytest.mark.django_db

API = "/api/supervision"
CASE_TABLES = (CaseModel, CaseEvent, VisitRecord)


@pytest.fixture
def world(tree):
    return build_world(tree)


def api(path):
    return lambda t: f"{API}/{path(t) if callable(path) else path}"


MATRIX = [
    Case("visits", api("visits/"), LOGGED_IN, api=True),
    Case("visit_detail", api(lambda t: f"visits/{t.w.visit.pk}/"), SEE_C1, api=True),
    Case("visit_create", api("visits/"), {"district", "street", "community"}, method="post", api=True,
         data=lambda t: {"place": t.p1.pk, "heard": "路灯不亮", "category": Category.INFRASTRUCTURE,
                         "cases": [{"title": "路灯维修"}]},
         denied_status=(400,), models=CASE_TABLES),  # an out-of-scope place is answered like a missing id
    Case("cases", api("cases/"), LOGGED_IN, api=True),
    Case("case_detail", api(lambda t: f"cases/{t.w.case.pk}/"), SEE_C1, api=True),
    Case("case_detail_dept", api(lambda t: f"cases/{t.w.dept_case.pk}/"), SEE_C1 | {"liaison"}, api=True),
    Case("case_history", api(lambda t: f"cases/{t.w.case.pk}/history/"), SEE_C1, api=True),
    Case("case_available", api(lambda t: f"cases/{t.w.case.pk}/available-actions/"), SEE_C1, api=True),
    Case("case_register", api("cases/"), {"district", "street", "community"}, method="post", api=True,
         data=lambda t: {"unit": t.p1.pk, "kind": CaseKind.DISPUTE, "source": CaseSource.HOTLINE,
                         "category": Category.LABOUR, "title": "欠薪", "description": "工资"},
         denied_status=(400,), models=CASE_TABLES),
    Case("case_accept", api(lambda t: f"cases/{t.w.case.pk}/accept/"), {"district", "street", "community"},
         method="post", api=True, data=lambda t: {}, models=CASE_TABLES),
    Case("case_resolve_dept", api(lambda t: f"cases/{t.w.dept_case.pk}/resolve/"), {"district", "liaison"},
         method="post", api=True, data=lambda t: {"resolution": "已办证"}, models=CASE_TABLES),
    Case("case_return_dept", api(lambda t: f"cases/{t.w.dept_case.pk}/return/"), {"district", "liaison"},
         method="post", api=True, data=lambda t: {"to_level": "street", "reason": "属街道"}, models=CASE_TABLES),
    Case("sheets", api("dispatch-sheets/"), LOGGED_IN, api=True),
    Case("sheet_detail", api(lambda t: f"dispatch-sheets/{t.w.sheet.pk}/"), SEE_S1, api=True),
    Case("sheet_detail_dept", api(lambda t: f"dispatch-sheets/{t.w.dept_sheet.pk}/"), DISTRICT | {"liaison"},
         api=True),
    Case("sheet_generate", api("dispatch-sheets/generate/"), {"district", "street"}, method="post", api=True,
         data=lambda t: {"period": t.w.month, "street": t.s1.pk, "regenerate": True}, models=(DispatchSheet,)),
    Case("sheet_generate_dept", api("dispatch-sheets/generate/"), {"district", "liaison"}, method="post",
         api=True, data=lambda t: {"period": t.w.month, "department": t.w.dept.pk, "regenerate": True},
         models=(DispatchSheet,)),
    Case("tasks", api("tasks/"), LOGGED_IN, api=True),
    Case("task_detail", api(lambda t: f"tasks/{t.w.task.pk}/"), DISTRICT, api=True),
    Case("letters", api("letters/"), LOGGED_IN, api=True),
    Case("letter_detail", api(lambda t: f"letters/{t.w.letter.pk}/"), SEE_S1, api=True),
    Case("letter_chain", api(lambda t: f"letters/{t.w.dept_letter.pk}/chain/"), DISTRICT | {"liaison"}, api=True),
    Case("letter_report", api(lambda t: f"letters/{t.w.letter.pk}/reports/"), {"district", "street"},
         method="post", api=True, data=lambda t: {"percent": 50, "text": "过半"}, models=(ProgressReport,)),
    Case("letter_report_dept", api(lambda t: f"letters/{t.w.dept_letter.pk}/reports/"), {"district", "liaison"},
         method="post", api=True, data=lambda t: {"percent": 50, "text": "过半"}, models=(ProgressReport,)),
    Case("notices", api("notices/"), LOGGED_IN, api=True),
    Case("notice_detail", api(lambda t: f"notices/{t.w.notice.pk}/"), DISTRICT, api=True),
    Case("notice_detail_issued", api(lambda t: f"notices/{t.w.issued.pk}/"), SEE_S1, api=True),
    Case("notice_issue", api(lambda t: f"notices/{t.w.notice.pk}/issue/"), {"district"}, method="post",
         api=True, data=lambda t: {"text": "限期整改"}, models=(SupervisionNotice,)),
    Case("notice_withdraw", api(lambda t: f"notices/{t.w.notice.pk}/withdraw/"), {"district"},
         method="post", api=True, data=lambda t: {"reason": "已整改"}, models=(SupervisionNotice,)),
    Case("notifications", api("notifications/"), LOGGED_IN, api=True),
    Case("notification_detail", api(lambda t: f"notifications/{t.w.notification.pk}/"), {"community"}, api=True),
    Case("notification_unread", api("notifications/unread-count/"), LOGGED_IN, api=True),
    Case("notification_mark_read", api("notifications/mark-read/"), LOGGED_IN, method="post", api=True,
         data=lambda t: {"ids": [t.w.notification.pk]}, models=(Notification,)),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    if case.name == "notification_mark_read" and persona != "community":
        # allowed for everyone, but only the caller's own rows change: others' marks leave it unread
        run_matrix_case(client, tree, persona, case)
        world.notification.refresh_from_db()
        assert world.notification.read_at is None
        return
    run_matrix_case(client, tree, persona, case)


def test_lists_are_scoped(client, tree, world):
    client.force_login(tree.users["liaison"])
    assert [r["id"] for r in client.get(f"{API}/cases/").json()["results"]] == [world.dept_case.pk]
    assert client.get(f"{API}/visits/").json()["count"] == 0  # no tree part from the liaison grant
    assert [r["id"] for r in client.get(f"{API}/letters/").json()["results"]] == [world.dept_letter.pk]
    assert [r["id"] for r in client.get(f"{API}/dispatch-sheets/").json()["results"]] == [world.dept_sheet.pk]
    client.force_login(tree.users["community2"])
    assert client.get(f"{API}/cases/").json()["count"] == 0
    client.force_login(tree.users["street"])
    ids = {r["id"] for r in client.get(f"{API}/cases/", {"hard": "1"}).json()["results"]}
    assert ids == {world.hard.pk}
    rows = client.get(f"{API}/cases/", {"unit": "C1", "state": "open"}).json()["results"]
    assert {r["id"] for r in rows} == {world.case.pk, world.hard.pk, world.dept_case.pk}
    assert all("is_overdue" in r for r in rows)


def test_visit_create_raises_cases_and_refuses_future(client, tree, world):
    client.force_login(tree.users["community"])
    r = client.post(f"{API}/visits/", {"place": tree.b1.pk, "heard": "漏水", "cases": [
        {"title": "楼顶漏水", "kind": CaseKind.DIFFICULTY}, {"title": "邻里纠纷", "kind": CaseKind.DISPUTE}]},
        content_type="application/json")
    assert r.status_code == 201 and r.json()["case_count"] == 2
    before = VisitRecord.objects.count(), CaseModel.objects.count()
    r = client.post(f"{API}/visits/", {"place": tree.b1.pk, "heard": "x", "visited_on": "2999-01-01"},
                    content_type="application/json")
    assert r.status_code == 400 and "visited_on" in r.json()
    assert (VisitRecord.objects.count(), CaseModel.objects.count()) == before


def test_transitions_through_the_api(client, tree, world):
    client.force_login(tree.users["community"])
    base = f"{API}/cases/{world.case.pk}"
    assert client.get(f"{base}/available-actions/").json()["actions"] == ["accept", "assign", "reprioritise"]
    r = client.post(f"{base}/resolve/", {"resolution": "x"}, content_type="application/json")
    assert r.status_code == 400 and "state" in r.json()  # registered: refused by the service
    assert client.post(f"{base}/accept/", {}, content_type="application/json").json()["state"] == "accepted"
    r = client.post(f"{base}/escalate/", {"to_level": "street"}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()
    r = client.post(f"{base}/escalate/", {"to_level": "street", "reason": "需街道", "is_hard": True},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["level"] == ResponsibleLevel.STREET and r.json()["is_hard"]
    # now held by the street: the community may no longer act (404, nothing written)
    before = CaseEvent.objects.count()
    assert client.post(f"{base}/resolve/", {"resolution": "x"}, content_type="application/json").status_code == 404
    assert CaseEvent.objects.count() == before
    client.force_login(tree.users["street"])
    r = client.post(f"{base}/return/", {"to_level": "community", "reason": "社区可办"},
                    content_type="application/json")
    assert r.status_code == 200
    history = client.get(f"{base}/history/").json()
    assert [e["action"] for e in history] == ["register", "accept", "escalate", "return"]
    assert (history[-1]["from_unit_code"], history[-1]["to_unit_code"], history[-1]["reason"]) == ("S1", "C1",
                                                                                                   "社区可办")


def test_notifications_are_only_ones_own(client, tree, world):
    client.force_login(tree.users["community"])
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 1}
    assert client.post(f"{API}/notifications/mark-read/", {}, content_type="application/json").json() == {"marked": 1}
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 0}
    client.force_login(tree.users["street"])
    assert client.get(f"{API}/notifications/{world.notification.pk}/").status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["cases/", "visits/", "letters/", "notices/", "dispatch-sheets/", "tasks/",
                                  "notifications/"])
def test_api_lists_constant_queries(client, tree, world, path):
    admin = tree.users["district"]

    def add(start, stop):
        for i in range(start, stop):
            services.visit_record_create(actor=admin, place=tree.p1 if i % 2 else tree.p3, visited_on=world.today,
                                         heard=f"民情{i}", cases=[{"title": f"案{i}"}])
            services.notification_create(actor=admin, recipient=admin, kind=NotificationKind.CASE_ASSIGNED,
                                         params={}, dedupe_key=f"n{i}")

    add(0, 1)
    client.force_login(admin)
    url = f"{API}/{path}"
    _queries(client, url)
    small = _queries(client, url)
    add(1, 12)
    assert _queries(client, url) == small
