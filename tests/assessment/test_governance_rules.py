"""The governance rule kinds: 1+N meetings held per quarter and adopted resolutions implemented, for a
community and for a street over its communities, each value naming the governance records behind it;
"done" is governance's own topic event (no copy), dated by the quarter's end."""
import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment import services
from assessment.choices import AssesseeKind, IndicatorKind
from assessment.models import RegularAssessment
from assessment.models.base import unit_key
from assessment.rules import RULES, Target, rule_choices
from core.idcard import generate_id_number
from governance import services as gs
from governance.choices import Outcome, TopicAction, TopicSource
from governance.models import TopicEvent
from org.services import member_create
from supervision.cycles import parse_period

from .conftest import Q1, make_scheme

pytestmark = pytest.mark.django_db
PERIOD = parse_period("quarterly", Q1)


def target(unit, kind):
    return Target(kind, unit.pk, unit.tree_id, unit.lft, unit.rght)


def held_meeting(admin, unit, day, topics=(), title="议事会"):
    meeting = gs.meeting_create(actor=admin, unit=unit, title=title, held_on=day, topics=list(topics))
    return gs.meeting_record(actor=admin, meeting=meeting, minutes="会议纪要")


def topic(admin, unit, title):
    return gs.topic_raise(actor=admin, source=TopicSource.PROPOSAL, unit=unit, title=title, description=title,
                          proposer="孙居民", raised_on=dt.date(2026, 1, 10))


@pytest.fixture
def meetings(tree):
    admin = tree.users["district"]
    m1 = held_meeting(admin, tree.c1, dt.date(2026, 1, 20))
    m2 = held_meeting(admin, tree.p1, dt.date(2026, 3, 20))  # at a compound of C1
    gs.meeting_create(actor=admin, unit=tree.c2, title="未召开", held_on=dt.date(2026, 2, 1))  # planned only
    held_meeting(admin, tree.c1, dt.date(2026, 4, 2))  # next quarter
    held_meeting(admin, tree.c3, dt.date(2026, 2, 2))  # another street
    return m1, m2


class TestMeetingsMissing:
    def test_community_counts_its_held_meetings_and_names_them(self, tree, meetings):
        m1, m2 = meetings
        r = RULES["meetings_missing"](target(tree.c1, AssesseeKind.COMMUNITY), PERIOD, {"expected": 3})
        assert r.value == 1 and r.records == [("governance.meeting", m1.pk), ("governance.meeting", m2.pk)]
        assert r.detail["held"] == 2 and r.detail["short"] == {"C1": 1}
        r2 = RULES["meetings_missing"](target(tree.c2, AssesseeKind.COMMUNITY), PERIOD, {})
        assert r2.value == 1 and r2.records == [] and r2.detail["expected"] == 1

    def test_street_sums_the_shortfall_of_its_communities(self, tree, meetings):
        r = RULES["meetings_missing"](target(tree.s1, AssesseeKind.STREET), PERIOD, {"expected": 2})
        assert r.value == 2 and r.detail["short"] == {"C2": 2} and r.detail["communities"] == 2
        assert {pk for _t, pk in r.records} == {m.pk for m in meetings}
        r3 = RULES["meetings_missing"](target(tree.s2, AssesseeKind.STREET), PERIOD, {"expected": 2})
        assert r3.value == 1 and len(r3.records) == 1


@pytest.fixture
def resolutions(tree):
    """At C1 on 2026-02-02: A done (task completed, followed up), B a task still open, C adopted and
    never given an implementation, D due next quarter, E rejected. C3 has one without implementation."""
    admin = tree.users["district"]
    ts = {k: topic(admin, tree.p1, f"议题{k}") for k in "ABCDE"}
    meeting = held_meeting(admin, tree.c1, dt.date(2026, 2, 2), topics=ts.values())
    items = {i.topic_id: i for i in meeting.items.all()}
    for k, t in ts.items():
        if k == "E":
            gs.resolution_record(actor=admin, item=items[t.pk], outcome=Outcome.REJECTED, reason="不可行")
        else:
            gs.resolution_record(actor=admin, item=items[t.pk], outcome=Outcome.CONSENSUS, resolution="同意")
    member = member_create(actor=admin, name="王党员", id_number=generate_id_number(random.Random(1),
                                                                                   birth=dt.date(1980, 1, 1), gender="M"), unit=tree.p1, phone="13800000001")
    work_a = gs.work_create_task(actor=admin, item=items[ts["A"].pk], task="清理", due_on=dt.date(2026, 3, 1),
                                 member=member)
    gs.work_create_task(actor=admin, item=items[ts["B"].pk], task="修补", due_on=dt.date(2026, 3, 15), member=member)
    gs.work_create_task(actor=admin, item=items[ts["D"].pk], task="绿化", due_on=dt.date(2026, 5, 1), member=member)
    gs.work_update(actor=admin, work=work_a, progress_pct=100, completed_on=dt.date(2026, 2, 20))
    gs.follow_up_record(actor=admin, work=work_a, satisfaction="satisfied", on=dt.date(2026, 2, 25))
    t3 = topic(admin, tree.p3, "C3议题")
    m3 = held_meeting(admin, tree.c3, dt.date(2026, 1, 5), topics=[t3])
    gs.resolution_record(actor=admin, item=m3.items.get(), outcome=Outcome.CONSENSUS, resolution="同意")
    ts["C3"], ts["items"] = t3, items
    return ts


class TestResolutionsNotDone:
    def test_done_only_by_governance_event_by_the_quarter_end(self, tree, resolutions):
        t = resolutions
        rule, c1 = RULES["resolutions_not_done"], target(tree.c1, AssesseeKind.COMMUNITY)
        # A's completion event was written today (after Q1): in Q1 it was not done yet
        r = rule(c1, PERIOD, {})
        assert r.value == 3 and r.detail["due"] == 3 and r.detail["done"] == []
        assert r.records == [("governance.topic", t[k].pk) for k in "ABC"]
        TopicEvent.objects.filter(topic=t["A"], action=TopicAction.COMPLETE).update(
            at=dt.datetime(2026, 2, 25, 10, tzinfo=dt.timezone.utc))
        r = rule(c1, PERIOD, {})
        assert r.value == 2 and r.records == [("governance.topic", t[k].pk) for k in "BC"]
        assert r.detail["done"] == [t["A"].pk] and r.detail["done_pct"] == 33.3
        assert r.detail["resolutions"][str(t["A"].pk)] == t["items"][t["A"].pk].pk

    def test_grace_for_resolutions_without_implementation(self, tree, resolutions):
        t = resolutions
        r = RULES["resolutions_not_done"](target(tree.c1, AssesseeKind.COMMUNITY), PERIOD, {"work_days": 90})
        assert ("governance.topic", t["C"].pk) not in r.records and r.value == 2

    def test_street_over_its_subtree_only(self, tree, resolutions):
        r = RULES["resolutions_not_done"](target(tree.s1, AssesseeKind.STREET), PERIOD, {})
        assert r.value == 3
        r2 = RULES["resolutions_not_done"](target(tree.s2, AssesseeKind.STREET), PERIOD, {})
        assert r2.value == 1 and r2.records == [("governance.topic", resolutions["C3"].pk)]
        r3 = RULES["resolutions_not_done"](target(tree.c2, AssesseeKind.COMMUNITY), PERIOD, {})
        assert r3.value == 0 and r3.detail["due"] == 0 and r3.detail["done_pct"] is None


class TestInSchemes:
    def test_rules_apply_to_streets_and_communities_only(self, tree):
        assert "meetings_missing" in dict(rule_choices(AssesseeKind.COMMUNITY))
        assert "resolutions_not_done" in dict(rule_choices(AssesseeKind.STREET))
        assert "meetings_missing" not in dict(rule_choices(AssesseeKind.CADRE))
        admin = tree.users["district"]
        scheme = services.scheme_create(actor=admin, owner=tree.district, year=2026,
                                        assessee_kind=AssesseeKind.CADRE, name="干部")
        with pytest.raises(ValidationError) as exc:
            services.indicator_create(actor=admin, scheme=scheme, code="m", name="议事", kind=IndicatorKind.COMPUTED,
                                      rule_kind="meetings_missing", maximum=10, step=5)
        assert exc.value.error_dict["rule_kind"][0].code == "rule_not_applicable"

    def test_regular_assessment_scores_meetings_with_their_records(self, tree, meetings):
        admin = tree.users["district"]
        scheme = make_scheme(admin, tree.district, AssesseeKind.COMMUNITY, [
            dict(code="meet", name="议事协商", kind=IndicatorKind.COMPUTED, rule_kind="meetings_missing",
                 params={"expected": 3}, maximum=10, step=4, cap=10),
            dict(code="done", name="决议落实", kind=IndicatorKind.COMPUTED, rule_kind="resolutions_not_done",
                 maximum=10, step=2)])

        services.regular_open(period=Q1)
        c1 = RegularAssessment.objects.get(scheme=scheme, assessee_key=unit_key(tree.c1.pk), period=Q1)
        scores = {s.indicator.code: s for s in c1.scores.select_related("indicator")}
        assert scores["meet"].value == 1 and scores["meet"].score == Decimal("6.00")
        assert scores["meet"].records == [{"type": "governance.meeting", "id": m.pk} for m in meetings]
        assert scores["done"].value == 0 and scores["done"].score == Decimal("10.00")
