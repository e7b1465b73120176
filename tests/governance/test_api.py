"""The governance API: permission matrix for every endpoint and method (refused writes write nothing),
unit filter, 400 on bad input, constant query counts at two sizes."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import PERSONAS, Case, run_matrix_case
from governance.choices import Stage, TopicState
from governance.models import (
    AgendaItem,
    FloatingMember,
    Meeting,
    Participant,
    Posting,
    SocialOrganisation,
    SocialOrgEvent,
    Topic,
    TopicEvent,
    WorkItem,
)
from supervision.models import Case as CaseModel

from .conftest import build_world
from .test_views import _more

pytestmark = pytest.mark.django_db

API = "/api/governance"
LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
WRITE_C1 = {"district", "street", "community"}
TABLES = (Topic, TopicEvent, Meeting, Participant, AgendaItem, WorkItem, CaseModel, SocialOrganisation,
          SocialOrgEvent, Posting, FloatingMember)
DENIED = (400, 404)  # an id out of scope is answered like a missing one: 400 in a body, 404 in the path


def api(path):
    return lambda t: f"{API}/{path(t) if callable(path) else path}"


def post(name, path, data, allowed=WRITE_C1, denied=DENIED):
    return Case(name, api(path), allowed, method="post", api=True, data=data, models=TABLES, denied_status=denied)


MATRIX = [
    Case("api_root", api(""), LOGGED_IN, api=True),
    Case("topics", api("topics/?unit=C1"), SEE_C1, api=True, denied_status=(400,)),
    Case("topics_all", api("topics/"), LOGGED_IN, api=True),
    Case("topic_detail", api(lambda t: f"topics/{t.w.topic.pk}/"), SEE_C1, api=True),
    post("topic_raise", "topics/", lambda t: {"source": "proposal", "unit": t.p1.pk, "title": "装监控",
                                              "description": "门口", "proposer": "吴"}),
    post("topic_raise_case", "topics/", lambda t: {"source": "case", "case": t.w.work_c.case.pk}),
    Case("meetings", api("meetings/"), LOGGED_IN, api=True),
    Case("meeting_detail", api(lambda t: f"meetings/{t.w.meeting.pk}/"), SEE_C1, api=True),
    post("meeting_create", "meetings/", lambda t: {"unit": t.c1.pk, "title": "五月", "held_on": "2026-05-06",
                                                   "topics": [t.w.topic_open.pk],
                                                   "participants": [{"role": "owners_committee",
                                                                     "committee": t.w.committee.pk}]}),
    post("meeting_record", lambda t: f"meetings/{t.w.planned.pk}/record/", lambda t: {"minutes": "纪要"}),
    post("meeting_add_topic", lambda t: f"meetings/{t.w.planned.pk}/add-topic/",
         lambda t: {"topic": t.w.topic_open.pk}),
    post("meeting_resolve", lambda t: f"meetings/{t.w.held.pk}/resolve/",
         lambda t: {"item": t.w.open_item.pk, "outcome": "vote", "votes_for": 5, "votes_against": 1,
                    "votes_abstain": 0}),
    post("meeting_implement", lambda t: f"meetings/{t.w.meeting.pk}/implement/",
         lambda t: {"item": t.w.item.pk, "kind": "task", "task": "划线", "due_on": "2026-06-01",
                    "property_service": t.w.service.pk}),
    Case("implementations", api("implementations/"), LOGGED_IN, api=True),
    Case("implementation_detail", api(lambda t: f"implementations/{t.w.work_t.pk}/"), SEE_C1, api=True),
    post("implementation_progress", lambda t: f"implementations/{t.w.work_t.pk}/progress/",
         lambda t: {"progress_pct": 40}),
    post("implementation_follow_up", lambda t: f"implementations/{t.w.work_f.pk}/follow-up/",
         lambda t: {"satisfaction": "satisfied"}),
    post("implementation_sync", lambda t: f"implementations/{t.w.work_c.pk}/sync/", lambda t: {}),
    Case("social_orgs", api("social-organisations/"), LOGGED_IN, api=True),
    Case("social_org_detail", api(lambda t: f"social-organisations/{t.w.social.pk}/"), SEE_C1, api=True),
    post("social_org_create", "social-organisations/",
         lambda t: {"unit": t.c1.pk, "name": "爱莲湖舞蹈队", "field": "recreation", "founded_on": "2025-03-01",
                    "leader_member": t.w.member_b.pk}),
    post("social_org_stage", lambda t: f"social-organisations/{t.w.social.pk}/stage/",
         lambda t: {"to_stage": Stage.INCUBATED}),
    post("social_org_leader", lambda t: f"social-organisations/{t.w.social.pk}/leader/",
         lambda t: {"member": t.w.member_b.pk}),
    post("social_org_applied", lambda t: f"social-organisations/{t.w.social.pk}/leader-applied/", lambda t: {}),
    Case("postings", api("instructor-postings/"), LOGGED_IN, api=True),
    Case("posting_detail", api(lambda t: f"instructor-postings/{t.w.posting.pk}/"), SEE_C1, api=True),
    post("posting_create", "instructor-postings/",
         lambda t: {"unit": t.c1.pk, "role": "liaison", "started_on": "2026-01-01", "member": t.w.member_b.pk,
                    "social_org": t.w.social.pk}),
    post("posting_end", lambda t: f"instructor-postings/{t.w.posting.pk}/end/", lambda t: {}),
    Case("floating", api("floating-members/"), LOGGED_IN, api=True),
    Case("floating_detail", api(lambda t: f"floating-members/{t.w.floating3.pk}/"),
         {"district", "leader", "street", "community", "other_street"}, api=True),
    post("floating_create", "floating-members/",
         lambda t: {"member": t.w.member_b.pk, "left_on": "2026-02-01", "destination_place": "长沙市"}),
    post("floating_report", lambda t: f"floating-members/{t.w.floating3.pk}/report/",
         lambda t: {"registered_on": "2026-01-20"}, allowed=WRITE_C1 | {"other_street"}),
]


@pytest.fixture
def world(tree):
    return build_world(tree)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)


def test_unit_filter_and_states(client, world, tree):
    client.force_login(tree.users["district"])
    rows = client.get(f"{API}/topics/?unit=C3").json()["results"]
    assert {r["id"] for r in rows} == {world.topic3.pk}
    assert client.get(f"{API}/topics/?unit=NOPE").status_code == 400
    assert client.get(f"{API}/floating-members/?unit=C3").json()["count"] == 1  # floating3: origin P3


def test_bad_input_is_400_not_500(client, world, tree):
    client.force_login(tree.users["community"])
    r = client.post(f"{API}/meetings/{world.held.pk}/resolve/",
                    {"item": world.open_item.pk, "outcome": "vote", "votes_for": 1, "votes_against": 3,
                     "votes_abstain": 0}, content_type="application/json")
    assert r.status_code == 400 and "votes_for" in r.json()
    r = client.post(f"{API}/meetings/{world.held.pk}/resolve/", {"item": world.item.pk, "outcome": "consensus"},
                    content_type="application/json")
    assert r.status_code == 400  # an item of another meeting
    r = client.post(f"{API}/social-organisations/{world.social.pk}/stage/", {"to_stage": "graduated"},
                    content_type="application/json")
    assert r.status_code == 400
    assert Topic.objects.get(pk=world.topic_m.pk).state == TopicState.SCHEDULED


@pytest.mark.parametrize("path", ["topics/", "meetings/", "implementations/", "social-organisations/",
                                  "instructor-postings/", "floating-members/"])
def test_api_lists_constant_queries(client, world, tree, path):
    client.force_login(tree.users["street"])
    client.get(f"{API}/{path}")
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{API}/{path}").status_code == 200
    _more(tree, 8)
    with CaptureQueriesContext(connection) as big:
        assert client.get(f"{API}/{path}").status_code == 200
    assert len(big) == len(small), path
