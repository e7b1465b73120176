"""Governance pages: permission matrix for every URL and method (refused writes write nothing),
constant-query lists at two sizes, exports audited, bad filters answered on the page."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditLog
from core.testing import PERSONAS, Case, run_matrix_case
from governance import services as gs
from governance.choices import TopicSource, TopicState
from governance.models import AgendaItem, FollowUp, Meeting, Participant, Topic, TopicEvent, WorkItem
from supervision.models import Case as CaseModel

from .conftest import DAY, build_world

pytestmark = pytest.mark.django_db

VIEWERS = {"district", "leader", "street", "community", "community2", "other_street"}
CHANGERS = {"district", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
WRITE_C1 = {"district", "street", "community"}
TABLES = (Topic, TopicEvent, Meeting, Participant, AgendaItem, WorkItem, FollowUp, CaseModel)


def g(path):
    return lambda t: f"/governance/{path(t) if callable(path) else path}"


MATRIX = [
    Case("topic_list", g(""), VIEWERS),
    Case("topic_list_export", g("?export=xlsx"), VIEWERS),
    Case("topic_detail", g(lambda t: f"topics/{t.w.topic.pk}/"), SEE_C1),
    Case("topic_raise_form", g("topics/new/"), CHANGERS),
    Case("topic_raise_from_visit", g(lambda t: f"topics/new/?visit={t.w.visit.pk}"), WRITE_C1),
    Case("topic_raise", g("topics/new/"), WRITE_C1, method="post", models=TABLES, denied_status=(400, 404),
         data=lambda t: {"unit": t.p1.pk, "title": "装监控", "description": "小区门口装监控", "proposer": "吴居民"}),
    Case("topic_raise_visit", g("topics/new/"), WRITE_C1, method="post", models=TABLES, denied_status=(400, 404),
         data=lambda t: {"visit": t.w.visit.pk, "unit": t.p1.pk, "title": "停车", "description": "停车难"}),
    Case("meeting_list", g("meetings/"), VIEWERS),
    Case("meeting_form", g("meetings/new/"), CHANGERS),
    Case("meeting_create", g("meetings/new/"), WRITE_C1, method="post", models=TABLES, denied_status=(400, 404),
         data=lambda t: {"unit": t.c1.pk, "title": "五月议事会", "held_on": "2026-05-06", "topics": [t.w.topic_open.pk],
                         "committees": [t.w.committee.pk], "residents": "孙居民\n周居民"}),
    Case("meeting_detail", g(lambda t: f"meetings/{t.w.meeting.pk}/"), SEE_C1),
    Case("meeting_record", g(lambda t: f"meetings/{t.w.planned.pk}/record/"), WRITE_C1, method="post",
         models=TABLES, data=lambda t: {"minutes": "纪要"}),
    Case("resolution_record", g(lambda t: f"resolutions/{t.w.open_item.pk}/"), WRITE_C1, method="post",
         models=TABLES, data=lambda t: {f"r{t.w.open_item.pk}-outcome": "consensus",
                                        f"r{t.w.open_item.pk}-resolution": "同意"}),
    Case("work_create", g(lambda t: f"resolutions/{t.w.item.pk}/implement/"), WRITE_C1, method="post",
         models=TABLES, data=lambda t: {f"i{t.w.item.pk}-kind": "case", f"i{t.w.item.pk}-case_kind": "difficulty",
                                        f"i{t.w.item.pk}-category": "other"}),
    Case("work_update", g(lambda t: f"implementations/{t.w.work_t.pk}/progress/"), WRITE_C1, method="post",
         models=TABLES, data=lambda t: {"progress_pct": 60, "progress_note": "进行中"}),
    Case("follow_up", g(lambda t: f"implementations/{t.w.work_f.pk}/follow-up/"), WRITE_C1, method="post",
         models=TABLES, data=lambda t: {"satisfaction": "satisfied"}),
    Case("social_org_list", g("social-organisations/"), VIEWERS),
    Case("social_org_export", g("social-organisations/?export=xlsx"), VIEWERS),
    Case("posting_list", g("postings/"), VIEWERS),
    Case("floating_list", g("floating/"), VIEWERS),
]


@pytest.fixture
def world(tree):
    return build_world(tree)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)


def test_raise_from_visit_page_carries_text(client, world, tree):
    client.force_login(tree.users["community"])
    response = client.get(f"/governance/topics/new/?visit={world.visit.pk}")
    assert response.context["form"].initial["description"] == world.visit.heard
    response = client.post("/governance/topics/new/", {"visit": world.visit.pk, "unit": tree.p1.pk,
                                                       "title": "停车", "description": world.visit.heard})
    assert response.status_code == 302
    topic = Topic.objects.latest("id")
    assert (topic.source, topic.visit_id, topic.state) == (TopicSource.VISIT, world.visit.pk, TopicState.RAISED)


def test_meeting_page_flow(client, world, tree):
    client.force_login(tree.users["community"])
    r = client.post("/governance/meetings/new/", {"unit": tree.c1.pk, "title": "五月", "held_on": "2026-05-06",
                                                  "topics": [world.topic_open.pk], "committees": [world.committee.pk],
                                                  "residents": "孙居民"})
    assert r.status_code == 302
    meeting = Meeting.objects.latest("id")
    assert set(meeting.participants.values_list("role", flat=True)) == {
        "party_org", "owners_committee", "resident_representative"}
    assert client.post(f"/governance/meetings/{meeting.pk}/record/", {"minutes": "纪要"}).status_code == 302
    item = meeting.items.get()
    r = client.post(f"/governance/resolutions/{item.pk}/", {f"r{item.pk}-outcome": "vote", f"r{item.pk}-votes_for": 2,
                                                            f"r{item.pk}-votes_against": 5, f"r{item.pk}-votes_abstain": 0})
    assert r.status_code == 400  # not carried: an error on the form, nothing written
    assert AgendaItem.objects.get(pk=item.pk).outcome == ""
    r = client.post(f"/governance/resolutions/{item.pk}/", {f"r{item.pk}-outcome": "deferred",
                                                            f"r{item.pk}-reason": "再议"})
    assert r.status_code == 302
    assert Topic.objects.get(pk=world.topic_open.pk).state == TopicState.DEFERRED


def test_bad_filter_is_a_form_error(client, world, tree):
    client.force_login(tree.users["community"])
    response = client.get("/governance/?unit=C3")  # out of scope code
    assert response.status_code == 400 and "unit" in response.context["form"].errors
    assert response.context["page"].paginator.count == 0
    assert client.get("/governance/meetings/?year=abc").status_code == 400


def test_export_is_audited(client, world, tree):
    client.force_login(tree.users["community"])
    n = AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).count()
    response = client.get("/governance/social-organisations/?export=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditLog.objects.filter(kind=AuditLog.Kind.EXPORT).count() == n + 1


def _more(tree, n):
    admin = tree.users["district"]
    for i in range(n):
        gs.topic_raise(actor=admin, source=TopicSource.PROPOSAL, unit=tree.p1, title=f"议题{i}", description="d",
                       proposer="p", raised_on=DAY)
        m = gs.meeting_create(actor=admin, unit=tree.c1, title=f"会{i}", held_on=DAY + dt.timedelta(days=i))
        gs.social_org_create(actor=admin, unit=tree.c1, name=f"协会{i}", field="other", founded_on=DAY,
                             leader_name="x")
        del m


@pytest.mark.parametrize("url", ["/governance/", "/governance/meetings/", "/governance/social-organisations/",
                                 "/governance/postings/", "/governance/floating/"])
def test_lists_constant_queries(client, world, tree, url):
    client.force_login(tree.users["street"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _more(tree, 8)
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
    assert len(big) == len(small), url
