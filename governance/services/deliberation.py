"""Writes of 1+N deliberation: raising topics, convening and recording meetings, resolutions, the work
an adopted resolution becomes (a case through ``supervision.services.case_register``, or a task),
follow-ups, and the daily reminder of overdue implementation."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, recheck_scope
from org.models import OrgUnit, OutsideUnit
from supervision.choices import DONE_STATES, CaseKind, CaseSource, Category, NotificationKind, ResponsibleLevel
from supervision.models import Case, VisitRecord
from supervision.services import case_register

from ..choices import (
    ACTION_OF_OUTCOME,
    ADOPTED_OUTCOMES,
    TOPIC_TRANSITIONS,
    MeetingState,
    Outcome,
    ParticipantRole,
    TopicAction,
    TopicSource,
    TopicState,
    WorkKind,
)
from ..models import (
    AgendaItem,
    Committee,
    FollowUp,
    Meeting,
    OverdueReminder,
    Participant,
    PropertyService,
    SocialOrganisation,
    Topic,
    TopicEvent,
    WorkItem,
)
from .common import (
    COMMUNITY_OR_BELOW,
    COMMUNITY_OR_COMPOUND,
    audit,
    error,
    in_scope_record,
    member_in_scope,
    not_blank,
    require,
    today,
    unit_at,
)

# The notification kind the daily job sends.
OVERDUE_KIND = NotificationKind.GOVERNANCE_OVERDUE


def _step(topic: Topic, action: str, *, actor, reason: str = "", meeting=None, at=None) -> TopicEvent:
    """Apply one transition of the table to ``topic`` (saved) and write its event row."""
    allowed, to_state = TOPIC_TRANSITIONS[action]
    if topic.state not in allowed:
        raise error(None, _("This step is not possible in the topic's current state."), "bad_transition")
    event = TopicEvent(topic=topic, action=action, from_state=topic.state, to_state=to_state, reason=reason or "",
                       meeting=meeting, actor=actor if getattr(actor, "pk", None) else None,
                       at=at or timezone.now())
    event.full_clean(exclude=["topic", "meeting", "actor"])
    topic.state = to_state
    topic.save(update_fields=["state", "updated_at"])
    event.save()
    return event


def _lock_topic(actor, topic, action: str = Action.CHANGE) -> Topic:
    found = (Topic.objects.for_user(actor, action).select_for_update(of=("self",)).select_related("unit")
             .filter(pk=getattr(topic, "pk", topic)).first())
    if found is None:
        raise ScopeDenied(action)
    return found


# -- topics -----------------------------------------------------------------------------------------

@transaction.atomic
def topic_raise(*, actor, source: str, title: str = "", description: str = "", unit=None, visit=None, case=None,
                committee=None, social_org=None, proposer: str = "", raised_on=None) -> Topic:
    """Raise a topic. From a visit or a case, its text and unit are carried over (one click); from a
    resident proposal the proposer is named; from an actor, the committee or social organisation."""
    if source == TopicSource.VISIT:
        visit = in_scope_record(actor, VisitRecord, visit, Action.VIEW)
        if visit is None:
            raise error("visit", _("Choose the visit record."), "required")
        unit = unit or visit.place
        description = description or visit.heard
        title = title or visit.heard[:40]
    elif source == TopicSource.CASE:
        case = in_scope_record(actor, Case, case, Action.VIEW)
        if case is None:
            raise error("case", _("Choose the case."), "required")
        unit = unit or case.unit
        description = description or case.description
        title = title or case.title
    elif source == TopicSource.ACTOR:
        committee = in_scope_record(actor, Committee, committee)
        social_org = in_scope_record(actor, SocialOrganisation, social_org)
        if committee is None and social_org is None:
            raise error("committee", _("Choose the committee or social organisation that raises it."), "required")
        unit = unit or (committee.unit if committee else social_org.unit)
    if unit is None:
        raise error("unit", _("Choose the unit."), "required")
    unit = unit_at(unit, COMMUNITY_OR_BELOW)
    require(actor, unit)
    topic = Topic(unit=unit, source=source, title=not_blank(title, "title")[:120],
                  description=not_blank(description, "description"), visit=visit, case=case, committee=committee,
                  social_org=social_org, proposer=(proposer or "").strip(), raised_on=raised_on or today(),
                  created_by=actor if getattr(actor, "pk", None) else None)
    if source == TopicSource.PROPOSAL and not topic.proposer:
        raise error("proposer", _("Name the resident who proposes it."), "required")
    topic.full_clean()
    topic.save()
    TopicEvent.objects.create(topic=topic, action=TopicAction.RAISE, from_state="", to_state=topic.state,
                              actor=actor if getattr(actor, "pk", None) else None)
    recheck_scope(actor, Action.CHANGE, unit_id=topic.unit_id)
    audit(actor, "governance.topic.raise", topic)
    return topic


# -- meetings ---------------------------------------------------------------------------------------

def _participant(actor, meeting: Meeting, spec: dict) -> Participant:
    """A participant from ``spec``: role plus the linked actor or person, each re-read in scope."""
    p = Participant(
        meeting=meeting, role=spec.get("role", ""),
        committee=in_scope_record(actor, Committee, spec.get("committee")),
        property_service=in_scope_record(actor, PropertyService, spec.get("property_service")),
        social_org=in_scope_record(actor, SocialOrganisation, spec.get("social_org")),
        member=member_in_scope(actor, spec.get("member")),
        person_name=(spec.get("person_name") or "").strip(), attended=spec.get("attended", True),
    )
    department = spec.get("department")
    if department is not None:
        p.department = OutsideUnit.objects.pickable_by(actor).filter(pk=getattr(department, "pk", department)).first()
        if p.department is None:
            raise ScopeDenied(Action.VIEW)
    if p.member is not None and not p.person_name:
        p.person_name = p.member.name
    p.full_clean(exclude=["meeting"])
    return p


def _schedule(actor, meeting: Meeting, topics, start: int = 1) -> list[AgendaItem]:
    items = []
    for position, topic in enumerate(topics, start=start):
        topic = _lock_topic(actor, topic)
        if topic.unit.community_anc_id != meeting.unit.community_anc_id:
            raise error("topics", _("A topic of another community cannot be put on this agenda."), "other_community")
        _step(topic, TopicAction.SCHEDULE, actor=actor, meeting=meeting)
        item = AgendaItem(meeting=meeting, topic=topic, position=position)
        item.full_clean(exclude=["meeting", "topic"], validate_unique=False, validate_constraints=False)
        item.save()
        items.append(item)
    return items


@transaction.atomic
def meeting_create(*, actor, unit, title: str, held_on, place: str = "", participants=(), topics=()) -> Meeting:
    """Convene a meeting at a community or compound: participants by role (linked, not retyped) and
    an agenda of topics (each topic moves to ``scheduled`` with an event row)."""
    unit = unit_at(unit, COMMUNITY_OR_COMPOUND)
    require(actor, unit)
    meeting = Meeting(unit=unit, title=not_blank(title, "title"), held_on=held_on, place=place or "",
                      created_by=actor if getattr(actor, "pk", None) else None)
    meeting.full_clean()
    meeting.save()
    rows = [_participant(actor, meeting, dict(spec)) for spec in participants]
    if not any(p.role == ParticipantRole.PARTY_ORG for p in rows):
        rows.insert(0, Participant(meeting=meeting, role=ParticipantRole.PARTY_ORG,
                                   person_name=(unit.party_org_name or unit.name)[:64]))
    Participant.objects.bulk_create(rows)
    _schedule(actor, meeting, topics)
    recheck_scope(actor, Action.CHANGE, unit_id=meeting.unit_id)
    audit(actor, "governance.meeting.create", meeting, after={"participants": len(rows), "topics": len(topics)})
    return meeting


def _lock_meeting(actor, meeting) -> Meeting:
    found = (Meeting.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",)).select_related("unit")
             .filter(pk=getattr(meeting, "pk", meeting)).first())
    if found is None:
        raise ScopeDenied(Action.CHANGE)
    return found


@transaction.atomic
def meeting_add_topic(*, actor, meeting, topic) -> AgendaItem:
    meeting = _lock_meeting(actor, meeting)
    if meeting.state != MeetingState.PLANNED:
        raise error("topic", _("The meeting has been held; put the topic on the next one."), "meeting_held")
    last = meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
    (item,) = _schedule(actor, meeting, [topic], start=last + 1)
    audit(actor, "governance.meeting.add_topic", item, unit=meeting.unit)
    return item


@transaction.atomic
def meeting_record(*, actor, meeting, minutes: str, absent=()) -> Meeting:
    """Record that the meeting was held: its minutes and who was absent (participant ids)."""
    meeting = _lock_meeting(actor, meeting)
    if meeting.state == MeetingState.HELD:
        raise error(None, _("The meeting is already recorded."), "meeting_held")
    before = {"state": meeting.state}
    meeting.minutes = not_blank(minutes, "minutes")
    meeting.state = MeetingState.HELD
    meeting.full_clean()
    meeting.save(update_fields=["minutes", "state", "updated_at"])
    absent = {int(getattr(a, "pk", a)) for a in absent}
    Participant.objects.filter(meeting=meeting).update(attended=True)
    if absent:
        Participant.objects.filter(meeting=meeting, pk__in=absent).update(attended=False)
    audit(actor, "governance.meeting.record", meeting, before=before, after={"state": meeting.state,
                                                                             "absent": sorted(absent)})
    return meeting


@transaction.atomic
def resolution_record(*, actor, item, outcome: str, resolution: str = "", reason: str = "", votes_for=None,
                      votes_against=None, votes_abstain=None, notice_from=None, notice_to=None) -> AgendaItem:
    """The resolution of one agenda item of a held meeting: adopted (by consensus, or by vote with
    counts: more for than against), rejected or deferred (both with their reason). Two event rows:
    deliberated, then adopted / rejected / deferred."""
    item = (AgendaItem.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",))
            .select_related("meeting__unit").filter(pk=getattr(item, "pk", item)).first())
    if item is None:
        raise ScopeDenied(Action.CHANGE)
    if item.meeting.state != MeetingState.HELD:
        raise error(None, _("Record the meeting first."), "meeting_not_held")
    if item.outcome:
        raise error("outcome", _("This item already has a resolution."), "decided")
    if outcome not in Outcome.values:
        raise error("outcome", _("Choose the outcome."), "required")
    if outcome == Outcome.VOTE:
        if None in (votes_for, votes_against, votes_abstain):
            raise error("votes_for", _("Enter the votes for, against and abstaining."), "votes_required")
        if votes_for <= votes_against:
            raise error("votes_for", _("Adopted by vote needs more votes for than against."), "votes_not_carried")
    else:
        votes_for = votes_against = votes_abstain = None
    if outcome in (Outcome.REJECTED, Outcome.DEFERRED):
        reason = not_blank(reason, "reason")
        notice_from = notice_to = None
    elif (notice_from is None) != (notice_to is None) or (notice_from and notice_to < notice_from):
        raise error("notice_to", _("Give the public notice's first and last day."), "notice_period")
    topic = _lock_topic(actor, item.topic_id)
    _step(topic, TopicAction.DELIBERATE, actor=actor, meeting=item.meeting)
    _step(topic, ACTION_OF_OUTCOME[outcome], actor=actor, meeting=item.meeting, reason=reason)
    item.outcome = outcome
    item.resolution = (resolution or reason or "").strip()
    item.votes_for, item.votes_against, item.votes_abstain = votes_for, votes_against, votes_abstain
    item.notice_from, item.notice_to = notice_from, notice_to
    item.decided_at = timezone.now()
    item.full_clean(exclude=["meeting", "topic"])
    item.save()
    audit(actor, "governance.resolution.record", item, unit=item.meeting.unit)
    return item


# -- implementation ---------------------------------------------------------------------------------

def _adopted_item(actor, item) -> AgendaItem:
    item = (AgendaItem.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",))
            .select_related("meeting__unit", "topic__unit").filter(pk=getattr(item, "pk", item)).first())
    if item is None:
        raise ScopeDenied(Action.CHANGE)
    if item.outcome not in ADOPTED_OUTCOMES:
        raise error(None, _("Only an adopted resolution becomes work."), "not_adopted")
    if WorkItem.objects.filter(item=item).exists():
        raise error(None, _("This resolution already has its implementation."), "has_work")
    return item


@transaction.atomic
def work_create_case(*, actor, item, kind: str = CaseKind.DIFFICULTY, category: str = Category.OTHER,
                     level: str = ResponsibleLevel.COMMUNITY, department=None, title: str = "") -> WorkItem:
    """An adopted resolution becomes a case in the work system, registered by its own service (source
    ``meeting``); the case's deadline and workflow are the work system's."""
    item = _adopted_item(actor, item)
    topic = _lock_topic(actor, item.topic_id)
    case = case_register(actor=actor, unit=topic.unit, kind=kind, source=CaseSource.MEETING, category=category,
                         title=(title or topic.title)[:120], description=item.resolution or topic.description,
                         source_ref=f"governance-topic-{topic.pk}", level=level, department=department)
    work = WorkItem(item=item, topic=topic, kind=WorkKind.CASE, case=case, due_on=case.due_on,
                    created_by=actor if getattr(actor, "pk", None) else None)
    work.full_clean(exclude=["item", "topic", "case"])
    work.save()
    _step(topic, TopicAction.IMPLEMENT, actor=actor, meeting=item.meeting)
    audit(actor, "governance.work.create_case", work, unit=topic.unit)
    return work


@transaction.atomic
def work_create_task(*, actor, item, task: str, due_on, committee=None, property_service=None, social_org=None,
                     member=None) -> WorkItem:
    """An adopted resolution becomes a task for one named actor (committee, property service, social
    organisation or party member) with a deadline."""
    item = _adopted_item(actor, item)
    topic = _lock_topic(actor, item.topic_id)
    work = WorkItem(item=item, topic=topic, kind=WorkKind.TASK, task=not_blank(task, "task"), due_on=due_on,
                    committee=in_scope_record(actor, Committee, committee),
                    property_service=in_scope_record(actor, PropertyService, property_service),
                    social_org=in_scope_record(actor, SocialOrganisation, social_org),
                    assignee_member=member_in_scope(actor, member),
                    created_by=actor if getattr(actor, "pk", None) else None)
    if work.assignee is None:
        raise error("committee", _("Name who carries the task out."), "assignee_required")
    if due_on < item.meeting.held_on:
        raise error("due_on", _("The deadline is before the meeting."), "date_order")
    work.full_clean(exclude=["item", "topic"])
    work.save()
    _step(topic, TopicAction.IMPLEMENT, actor=actor, meeting=item.meeting)
    audit(actor, "governance.work.create_task", work, unit=topic.unit)
    return work


def _lock_work(actor, work) -> WorkItem:
    found = (WorkItem.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",))
             .select_related("topic__unit", "case").filter(pk=getattr(work, "pk", work)).first())
    if found is None:
        raise ScopeDenied(Action.CHANGE)
    return found


@transaction.atomic
def work_update(*, actor, work, progress_pct: int, progress_note: str = "", completed_on=None) -> WorkItem:
    """Progress of a task (percentage and note); ``completed_on`` marks the task carried out. A case's
    progress is the case's own, in the work system."""
    work = _lock_work(actor, work)
    if work.kind != WorkKind.TASK:
        raise error(None, _("A case moves through the work system."), "is_case")
    if work.completed_on is not None:
        raise error(None, _("This task is already completed."), "completed")
    before = {"progress_pct": work.progress_pct, "completed_on": None}
    work.progress_pct = 100 if completed_on else progress_pct
    work.progress_note = (progress_note or "").strip() or work.progress_note
    work.completed_on = completed_on
    if completed_on and completed_on < work.item.meeting.held_on:
        raise error("completed_on", _("The completion date is before the meeting."), "date_order")
    work.full_clean(exclude=["item", "topic", "case"])
    work.save(update_fields=["progress_pct", "progress_note", "completed_on", "updated_at"])
    audit(actor, "governance.work.update", work, before=before,
          after={"progress_pct": work.progress_pct, "completed_on": completed_on.isoformat() if completed_on else None},
          unit=work.topic.unit)
    return work


@transaction.atomic
def follow_up_record(*, actor, work, satisfaction: str, note: str = "", on=None) -> FollowUp:
    """The residents' satisfaction after a completed task; with it the topic is done (event row)."""
    work = _lock_work(actor, work)
    if work.kind != WorkKind.TASK:
        raise error(None, _("A case is followed up in the work system."), "is_case")
    if work.completed_on is None:
        raise error(None, _("Complete the task before following it up."), "not_completed")
    follow = FollowUp(work=work, on=on or today(), satisfaction=satisfaction, note=note or "",
                      actor=actor if getattr(actor, "pk", None) else None)
    follow.full_clean(exclude=["work", "actor"])
    follow.save()
    topic = _lock_topic(actor, work.topic_id)
    if topic.state == TopicState.IMPLEMENTING:
        _step(topic, TopicAction.COMPLETE, actor=actor, reason=_("Task completed and followed up."))
    audit(actor, "governance.work.follow_up", follow, unit=topic.unit)
    return follow


def _complete_case_backed(actor, day) -> int:
    """Topics implemented through a case whose case is resolved: done (one event each). Returns how many."""
    done = 0
    works = (WorkItem.objects.filter(kind=WorkKind.CASE, topic__state=TopicState.IMPLEMENTING,
                                     case__state__in=DONE_STATES).select_related("case"))
    for work in works:
        topic = Topic.objects.select_for_update().get(pk=work.topic_id)
        if topic.state == TopicState.IMPLEMENTING:
            _step(topic, TopicAction.COMPLETE, actor=actor,
                  reason=_("Case resolved on %(day)s.") % {"day": work.case.resolved_on.isoformat()})
            done += 1
    return done


@transaction.atomic
def work_sync(*, actor, work) -> WorkItem:
    """Bring a case-backed topic to done when its case is resolved (the case is the record)."""
    work = _lock_work(actor, work)
    if work.kind != WorkKind.CASE or work.case.state not in DONE_STATES:
        raise error(None, _("The case is not resolved yet."), "case_open")
    topic = _lock_topic(actor, work.topic_id)
    if topic.state != TopicState.IMPLEMENTING:
        raise error(None, _("This step is not possible in the topic's current state."), "bad_transition")
    _step(topic, TopicAction.COMPLETE, actor=actor,
          reason=_("Case resolved on %(day)s.") % {"day": work.case.resolved_on.isoformat()})
    audit(actor, "governance.work.sync", work, unit=topic.unit)
    return work


def overdue_works(day: dt.date):
    """Implementations past their deadline and not done: tasks not completed, cases still open."""
    from django.db.models import Q

    from supervision.choices import OPEN_STATES

    return WorkItem.objects.filter(
        Q(kind=WorkKind.TASK, completed_on__isnull=True) | Q(kind=WorkKind.CASE, case__state__in=OPEN_STATES),
        due_on__lt=day, topic__state=TopicState.IMPLEMENTING,
    )


@transaction.atomic
def daily_overdue_run(*, day: dt.date | None = None) -> dict:
    """The daily job: close case-backed topics whose case is resolved, then remind the community's
    secretaries of each overdue implementation once per (item, day) (``OverdueReminder``), through the
    work system's notifications."""
    from supervision.services.common import holder_users
    from supervision.services.notifications import notification_create

    day = day or today()
    completed = _complete_case_backed(None, day)
    sent = reminded = 0
    works = overdue_works(day).exclude(reminders__day=day).select_related("topic__unit")
    for work in works:
        reminder, created = OverdueReminder.objects.get_or_create(work=work, day=day)
        if not created:
            continue
        unit = work.topic.unit
        recipients = holder_users(unit_id=unit.community_anc_id or unit.pk)
        for user_id in recipients:
            if notification_create(actor=None, recipient=user_id, kind=OVERDUE_KIND,
                                   params={"title": work.topic.title, "due_on": work.due_on.isoformat()},
                                   link=reverse("governance:topic_detail", args=[work.topic_id]),
                                   unit=unit, dedupe_key=f"gov-overdue-{work.pk}-{day.isoformat()}"):
                sent += 1
        reminder.recipients = len(recipients)
        reminder.save(update_fields=["recipients"])
        reminded += 1
    result = {"day": day.isoformat(), "completed": completed, "reminded": reminded, "notifications": sent}
    audit(None, "governance.daily_overdue", None, after=result, unit=OrgUnit.objects.filter(level=0).first())
    return result


__all__ = [
    "OVERDUE_KIND", "daily_overdue_run", "follow_up_record", "meeting_add_topic", "meeting_create", "meeting_record",
    "overdue_works", "resolution_record", "topic_raise", "work_create_case", "work_create_task", "work_sync",
    "work_update",
]
