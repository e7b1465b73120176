"""Governance services: transitions with one event per step, done only when a record says so,
scope refusals write nothing, idempotent periodic jobs, figures from records."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from governance import figures
from governance import services as gs
from governance.choices import FilingStatus, Outcome, Stage, TopicAction, TopicSource, TopicState
from governance.models import (
    AgendaItem,
    FloatingReminder,
    Meeting,
    OverdueReminder,
    Posting,
    SocialOrganisation,
    Topic,
    TopicEvent,
    WorkItem,
)
from governance.selectors import floating_list, member_lookup
from supervision.choices import CaseSource, NotificationKind, Satisfaction
from supervision.models import Notification
from supervision.services import case_accept, case_resolve, case_start

from .conftest import DAY

pytestmark = pytest.mark.django_db
TABLES = (Topic, TopicEvent, Meeting, AgendaItem, WorkItem, SocialOrganisation, Posting)


def codes(exc) -> set:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def actions(topic):
    return list(topic.events.order_by("at", "id").values_list("action", flat=True))


def test_topic_from_visit_carries_text_and_unit(world, tree):
    t = world.topic
    assert (t.unit_id, t.description, t.source) == (tree.p1.pk, world.visit.heard, TopicSource.VISIT)
    t.refresh_from_db()
    assert t.state == TopicState.ADOPTED
    assert actions(t) == [TopicAction.RAISE, TopicAction.SCHEDULE, TopicAction.DELIBERATE, TopicAction.ADOPT]


def test_adopted_resolution_becomes_a_case_and_done_follows_the_case(world, tree):
    admin = tree.users["district"]
    work = gs.work_create_case(actor=admin, item=world.item)
    assert work.case.source == CaseSource.MEETING and work.case.unit_id == tree.p1.pk
    topic = Topic.objects.get(pk=world.topic.pk)
    assert topic.state == TopicState.IMPLEMENTING
    with pytest.raises(ValidationError) as exc:
        gs.work_sync(actor=admin, work=work)
    assert "case_open" in codes(exc.value)
    case_accept(actor=admin, case=work.case)
    case_start(actor=admin, case=work.case)
    case_resolve(actor=admin, case=work.case, resolution="已划线")
    result = gs.daily_overdue_run(day=DAY + dt.timedelta(days=10))
    assert result["completed"] == 2  # and the world's resolved case
    topic.refresh_from_db()
    assert topic.state == TopicState.DONE
    assert actions(topic)[-2:] == [TopicAction.IMPLEMENT, TopicAction.COMPLETE]


def test_task_done_needs_completion_and_follow_up(world, tree):
    admin = tree.users["district"]
    work = gs.work_create_task(actor=admin, item=world.item, task="物业划线", due_on=DAY + dt.timedelta(days=20),
                               property_service=world.service)
    with pytest.raises(ValidationError) as exc:
        gs.follow_up_record(actor=admin, work=work, satisfaction=Satisfaction.SATISFIED)
    assert "not_completed" in codes(exc.value)
    gs.work_update(actor=admin, work=work, progress_pct=50, progress_note="划了一半")
    assert Topic.objects.get(pk=world.topic.pk).state == TopicState.IMPLEMENTING
    gs.work_update(actor=admin, work=work, progress_pct=100, completed_on=DAY + dt.timedelta(days=15))
    assert Topic.objects.get(pk=world.topic.pk).state == TopicState.IMPLEMENTING
    gs.follow_up_record(actor=admin, work=work, satisfaction=Satisfaction.SATISFIED)
    assert Topic.objects.get(pk=world.topic.pk).state == TopicState.DONE


def test_second_work_item_refused(world, tree):
    admin = tree.users["district"]
    gs.work_create_task(actor=admin, item=world.item, task="划线", due_on=DAY + dt.timedelta(days=20),
                        committee=world.committee)
    with pytest.raises(ValidationError) as exc:
        gs.work_create_case(actor=admin, item=world.item)
    assert "has_work" in codes(exc.value)


@pytest.mark.parametrize("outcome,state", [(Outcome.REJECTED, TopicState.REJECTED),
                                           (Outcome.DEFERRED, TopicState.DEFERRED)])
def test_reject_and_defer_keep_reason(world, tree, outcome, state):
    admin = tree.users["district"]
    meeting = gs.meeting_create(actor=admin, unit=tree.c1, title="x", held_on=DAY, topics=[world.topic_open])
    gs.meeting_record(actor=admin, meeting=meeting, minutes="纪要")
    item = meeting.items.get()
    with pytest.raises(ValidationError):
        gs.resolution_record(actor=admin, item=item, outcome=outcome)
    gs.resolution_record(actor=admin, item=item, outcome=outcome, reason="资金不足")
    topic = Topic.objects.get(pk=world.topic_open.pk)
    assert topic.state == state
    assert topic.events.order_by("-id").first().reason == "资金不足"
    if outcome == Outcome.DEFERRED:  # goes on the next meeting's agenda
        gs.meeting_add_topic(actor=admin, meeting=world.planned, topic=topic)
        assert Topic.objects.get(pk=topic.pk).state == TopicState.SCHEDULED
    else:
        with pytest.raises(ValidationError):
            gs.meeting_add_topic(actor=admin, meeting=world.planned, topic=topic)


def test_vote_needs_counts_and_majority(world, tree):
    admin = tree.users["district"]
    meeting = gs.meeting_create(actor=admin, unit=tree.c1, title="x", held_on=DAY, topics=[world.topic_open])
    gs.meeting_record(actor=admin, meeting=meeting, minutes="纪要")
    item = meeting.items.get()
    for votes, code in [((None, 1, 0), "votes_required"), ((3, 3, 1), "votes_not_carried")]:
        with pytest.raises(ValidationError) as exc:
            gs.resolution_record(actor=admin, item=item, outcome=Outcome.VOTE, votes_for=votes[0],
                                 votes_against=votes[1], votes_abstain=votes[2])
        assert code in codes(exc.value)
    item = gs.resolution_record(actor=admin, item=item, outcome=Outcome.VOTE, votes_for=7, votes_against=2,
                                votes_abstain=1, notice_from=DAY, notice_to=DAY + dt.timedelta(days=7))
    assert (item.votes_for, item.notice_to) == (7, DAY + dt.timedelta(days=7))


def test_resolution_before_meeting_held_refused(world, tree):
    admin = tree.users["district"]
    item = gs.meeting_add_topic(actor=admin, meeting=world.planned, topic=world.topic_open)
    with pytest.raises(ValidationError) as exc:
        gs.resolution_record(actor=admin, item=item, outcome=Outcome.CONSENSUS)
    assert "meeting_not_held" in codes(exc.value)


def test_out_of_scope_writes_refused_and_write_nothing(world, tree):
    community = tree.users["community"]  # C1 secretary
    before = table_fingerprint(TABLES)
    with pytest.raises(ScopeDenied):
        gs.meeting_create(actor=community, unit=tree.c3, title="越权", held_on=DAY)
    with pytest.raises(ScopeDenied):
        gs.topic_raise(actor=community, source=TopicSource.PROPOSAL, unit=tree.p3, title="x", description="y",
                       proposer="z")
    with pytest.raises(ScopeDenied):  # C3's topic cannot be put on a C1 agenda
        gs.meeting_add_topic(actor=community, meeting=world.planned, topic=world.topic3)
    with pytest.raises(ScopeDenied):
        gs.posting_create(actor=community, unit=tree.c3, role="instructor", member=world.member,
                          social_org=world.social3, started_on=DAY)
    with pytest.raises(ScopeDenied):  # own unit, but the target is another subtree's
        gs.posting_create(actor=community, unit=tree.c1, role="instructor", member=world.member,
                          social_org=world.social3, started_on=DAY)
    assert table_fingerprint(TABLES) == before


def test_topic_of_another_community_refused_on_agenda(world, tree):
    admin = tree.users["district"]
    with pytest.raises(ValidationError) as exc:
        gs.meeting_add_topic(actor=admin, meeting=world.planned, topic=world.topic3)
    assert "other_community" in codes(exc.value)


def test_one_audit_row_per_service_call(world, tree):
    admin = tree.users["district"]
    n = AuditLog.objects.count()
    gs.topic_raise(actor=admin, source=TopicSource.PROPOSAL, unit=tree.p1,
                   title="a", description="b", proposer="c")
    assert AuditLog.objects.count() == n + 1


def test_member_lookup_by_id_or_mobile_in_scope(world, tree):
    from .conftest import make_id

    assert list(member_lookup(user=tree.users["community"], text=make_id(1))) == [world.member]
    assert list(member_lookup(user=tree.users["community"], text="13800000001")) == [world.member]
    assert list(member_lookup(user=tree.users["community"], text=make_id(2))) == []  # P3: out of scope
    assert list(member_lookup(user=tree.users["community"], text="王党员")) == []  # names are not a lookup


def test_seat_links_member_and_is_not_retyped(world):
    assert world.seat.member_id == world.member.pk and world.seat.person_name == world.member.name
    assert world.seat2.member_id is None


def test_stage_transitions_dated_with_events(world, tree):
    admin = tree.users["district"]
    org = world.social
    with pytest.raises(ValidationError):
        gs.social_org_stage_change(actor=admin, org=org, to_stage=Stage.GRADUATED)
    gs.social_org_stage_change(actor=admin, org=org, to_stage=Stage.INCUBATED, on=DAY)
    with pytest.raises(ValidationError) as exc:
        gs.social_org_stage_change(actor=admin, org=org, to_stage=Stage.FILED, on=DAY)
    assert "required" in codes(exc.value)
    gs.social_org_stage_change(actor=admin, org=org, to_stage=Stage.FILED, on=DAY, filing_status=FilingStatus.FILED)
    org.refresh_from_db()
    assert (org.stage, org.stage_since) == (Stage.FILED, DAY)
    assert list(org.events.values_list("kind", flat=True)) == ["founded", "stage", "stage"]


def test_dual_incubation_pipelines(world, tree):
    admin = tree.users["district"]
    gs.social_org_leader_applied(actor=admin, org=world.social, on=DAY)
    with pytest.raises(ValidationError):
        gs.social_org_leader_applied(actor=admin, org=world.social, on=DAY)
    gs.social_org_leader_set(actor=admin, org=world.social, member=world.member, on=DAY)
    kinds = list(world.social.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["leader_applied", "member_became_leader"]


def test_floating_visible_to_both_sides_only(world, tree):
    # floating3: origin P3 (street S2), destination C1 (street S1)
    for persona, expected in [("community", {world.floating.pk, world.floating3.pk}),
                              ("other_street", {world.floating3.pk}), ("community2", set())]:
        assert set(floating_list(user=tree.users[persona]).values_list("pk", flat=True)) == expected


def test_weekly_floating_once_per_member_and_week(world, tree):
    day = dt.date(2026, 3, 4)
    secretary = tree.users["community"]  # C1: origin of ``floating``, destination of ``floating3``
    notes = Notification.objects.filter(kind=NotificationKind.GOVERNANCE_FLOATING)
    first = gs.weekly_floating_run(day=day)
    assert (first["reminded"], first["notifications"]) == (2, 2)
    assert set(notes.values_list("recipient_id", flat=True)) == {secretary.pk}
    assert notes.count() == 2
    again = gs.weekly_floating_run(day=day + dt.timedelta(days=1))  # same week: nothing twice
    assert (again["reminded"], again["notifications"]) == (0, 0)
    assert FloatingReminder.objects.count() == 2 and notes.count() == 2
    assert gs.weekly_floating_run(day=day + dt.timedelta(days=7))["reminded"] == 2
    assert notes.count() == 4
    gs.floating_update(actor=tree.users["district"], record=world.floating, reported_on=dt.date(2026, 1, 6),
                       registered_on=dt.date(2026, 1, 8))
    gs.weekly_floating_run(day=day + dt.timedelta(days=14))  # complete records are no longer overdue
    assert notes.count() == 5


def test_daily_overdue_once_per_item_and_day(world, tree):
    admin = tree.users["district"]
    gs.work_create_task(actor=admin, item=world.item, task="划线", due_on=DAY + dt.timedelta(days=5),
                        committee=world.committee)
    late = DAY + dt.timedelta(days=9)
    notes = Notification.objects.filter(kind=NotificationKind.GOVERNANCE_OVERDUE)
    assert gs.daily_overdue_run(day=late)["reminded"] == 1
    assert list(notes.values_list("recipient_id", "unit_id")) == [(tree.users["community"].pk, tree.p1.pk)]
    again = gs.daily_overdue_run(day=late)
    assert (again["reminded"], again["notifications"]) == (0, 0) and notes.count() == 1
    assert gs.daily_overdue_run(day=late + dt.timedelta(days=1))["reminded"] == 1
    assert OverdueReminder.objects.count() == 2 and notes.count() == 2


def test_figures_from_records_district_is_sum_of_streets(world, tree):
    admin = tree.users["district"]
    gs.social_org_stage_change(actor=admin, org=world.social, to_stage=Stage.INCUBATED, on=DAY)
    gs.social_org_stage_change(actor=admin, org=world.social3, to_stage=Stage.INCUBATED, on=DAY)
    d = figures.compute(tree.district, 2026)
    s1, s2 = figures.compute(tree.s1, 2026), figures.compute(tree.s2, 2026)
    for key in ("governance.social_organisations", "governance.instructors", "governance.meetings",
                "governance.topics", "governance.resolutions_adopted", "governance.compounds_with_owners_committee",
                "governance.floating_members"):
        assert d[key] == s1[key] + s2[key], key
    assert d["governance.social_organisations"] == 2
    assert d["governance.instructors"] == 1
    assert d["governance.meetings"] == 2  # held ones only (the planned ones do not count)
    assert d["governance.resolutions_adopted"] == 4
    assert d["governance.resolutions_done_pct"] == 0.0  # the resolved case's topic is closed by the daily job
    gs.daily_overdue_run(day=DAY + dt.timedelta(days=12))
    assert figures.compute(tree.district, 2026)["governance.resolutions_done_pct"] == 25.0
    assert d["governance.compounds_with_owners_committee"] == 1
    assert d["governance.owners_committee_party_member_pct"] == 50.0
    assert d["governance.floating_registered_pct"] == 0.0
