"""1+N deliberation 议事协商: topics and their history, meetings with participants and an agenda,
the resolution of each agenda item, and the work an adopted resolution became."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedManager
from supervision.choices import Satisfaction

from ..choices import MeetingState, Outcome, ParticipantRole, TopicAction, TopicSource, TopicState, WorkKind
from .base import choice_check


class Topic(TimeStampedModel):
    """A matter to deliberate 议题, raised from a visit's 民情民意, a case, a resident proposal or an
    actor; its text and unit are carried over from the source. ``state`` changes only through the
    services (``TOPIC_TRANSITIONS``) and every change is a ``TopicEvent``."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="governance_topics")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=12, choices=TopicSource.choices)
    visit = models.ForeignKey("supervision.VisitRecord", verbose_name=_("visit record"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="governance_topics")
    case = models.ForeignKey("supervision.Case", verbose_name=_("case"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="governance_topics")
    committee = models.ForeignKey("governance.Committee", verbose_name=_("raised by committee"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="topics")
    social_org = models.ForeignKey("governance.SocialOrganisation", verbose_name=_("raised by social organisation"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="topics")
    proposer = models.CharField(_("proposed by"), max_length=64, blank=True)
    raised_on = models.DateField(_("raised on"))
    state = models.CharField(_("state"), max_length=16, choices=TopicState.choices, default=TopicState.RAISED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-raised_on", "-id"]
        constraints = [
            choice_check("source", TopicSource, "gov_topic_source_valid"),
            choice_check("state", TopicState, "gov_topic_state_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="gov_topic_description_not_blank"),
            models.CheckConstraint(
                name="gov_topic_source_record",
                condition=(Q(source=TopicSource.VISIT, visit__isnull=False, case__isnull=True)
                           | Q(source=TopicSource.CASE, case__isnull=False, visit__isnull=True)
                           | Q(source=TopicSource.PROPOSAL, visit__isnull=True, case__isnull=True)
                           & ~Q(proposer="")
                           | Q(source=TopicSource.ACTOR, visit__isnull=True, case__isnull=True)
                           & (Q(committee__isnull=False) | Q(social_org__isnull=False))),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="gov_topic_unit_state"),
            models.Index(fields=["raised_on"], name="gov_topic_raised"),
        ]

    def __str__(self):
        return self.title


class TopicEvent(models.Model):
    """One row per step of a topic: who, when, from which state to which, why (a rejection or a
    deferral keeps its reason), and the meeting where it happened."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=TopicAction.choices)
    from_state = models.CharField(_("from state"), max_length=16, choices=TopicState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=TopicState.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    meeting = models.ForeignKey("governance.Meeting", verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_unit_path = "topic__unit"

    class Meta:
        verbose_name = _("topic event")
        verbose_name_plural = _("topic events")
        ordering = ["topic_id", "at", "id"]
        constraints = [
            choice_check("action", TopicAction, "gov_topicevent_action_valid"),
            models.CheckConstraint(
                name="gov_topicevent_reject_defer_reason",
                condition=~Q(action__in=[TopicAction.REJECT, TopicAction.DEFER]) | ~Q(reason=""),
            ),
        ]

    def __str__(self):
        return f"{self.topic_id} {self.action}"


class Meeting(TimeStampedModel):
    """A 1+N deliberation meeting convened by a community or compound party organisation (the "1")."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("convened by"), on_delete=models.PROTECT,
                             related_name="governance_meetings")
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=MeetingState.choices, default=MeetingState.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            choice_check("state", MeetingState, "gov_meeting_state_valid"),
            models.CheckConstraint(condition=Q(state=MeetingState.PLANNED) | ~Q(minutes=""),
                                   name="gov_meeting_held_has_minutes"),
        ]
        indexes = [models.Index(fields=["unit", "held_on"], name="gov_meeting_unit_day")]

    def __str__(self):
        return self.title


class Participant(models.Model):
    """One of the N at a meeting, by role, linked to the registered actor or person (never retyped):
    a committee, the property service, a social organisation, a member, a department; ``person_name``
    only for a resident known by name."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="participants")
    role = models.CharField(_("role"), max_length=24, choices=ParticipantRole.choices)
    committee = models.ForeignKey("governance.Committee", verbose_name=_("committee"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    property_service = models.ForeignKey("governance.PropertyService", verbose_name=_("property service"),
                                         null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    social_org = models.ForeignKey("governance.SocialOrganisation", verbose_name=_("social organisation"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("org.Member", verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64, blank=True)
    attended = models.BooleanField(_("attended"), default=True)

    objects = ScopedManager()
    scope_unit_path = "meeting__unit"

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["meeting_id", "role", "id"]
        constraints = [
            choice_check("role", ParticipantRole, "gov_participant_role_valid"),
            models.CheckConstraint(
                name="gov_participant_identified",
                condition=Q(committee__isnull=False) | Q(property_service__isnull=False)
                | Q(social_org__isnull=False) | Q(department__isnull=False) | Q(member__isnull=False)
                | ~Q(person_name=""),
            ),
        ]

    def __str__(self):
        return self.person_name or str(self.committee or self.property_service or self.social_org
                                       or self.department or self.member)


class AgendaItem(models.Model):
    """A topic on a meeting's agenda and its resolution 决议 once decided (``outcome``); an adopted
    resolution may be published 公示 for a period."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    notice_to = models.DateField(_("public notice to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "meeting__unit"

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "topic"], name="gov_agenda_topic_once"),
            choice_check("outcome", Outcome, "gov_agenda_outcome_valid", allow_blank=True),
            models.CheckConstraint(
                name="gov_agenda_votes_iff_vote",
                condition=Q(outcome=Outcome.VOTE, votes_for__isnull=False, votes_against__isnull=False,
                            votes_abstain__isnull=False, votes_for__gt=F("votes_against"))
                | (~Q(outcome=Outcome.VOTE) & Q(votes_for__isnull=True, votes_against__isnull=True,
                                                  votes_abstain__isnull=True)),
            ),
            models.CheckConstraint(name="gov_agenda_decided_iff_outcome",
                                   condition=Q(outcome="", decided_at__isnull=True)
                                   | (~Q(outcome="") & Q(decided_at__isnull=False))),
            models.CheckConstraint(
                name="gov_agenda_notice_period",
                condition=Q(notice_from__isnull=True, notice_to__isnull=True)
                | Q(notice_from__isnull=False, notice_to__isnull=False, notice_to__gte=F("notice_from"),
                    outcome__in=["consensus", "vote"]),
            ),
        ]

    def __str__(self):
        return f"{self.meeting_id} · {self.topic_id}"


class WorkItem(TimeStampedModel):
    """The work an adopted resolution became: a case in the work system (registered through
    ``supervision.services.case_register``) or a task for a named actor with a deadline. The topic is
    done only when this record says so: the case resolved, or the task completed and followed up."""

    item = models.OneToOneField(AgendaItem, verbose_name=_("resolution"), on_delete=models.PROTECT,
                                related_name="work")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="work_items")
    kind = models.CharField(_("kind"), max_length=8, choices=WorkKind.choices)
    case = models.OneToOneField("supervision.Case", verbose_name=_("case"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="governance_work")
    committee = models.ForeignKey("governance.Committee", verbose_name=_("committee"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    property_service = models.ForeignKey("governance.PropertyService", verbose_name=_("property service"),
                                         null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    social_org = models.ForeignKey("governance.SocialOrganisation", verbose_name=_("social organisation"),
                                   null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assignee_member = models.ForeignKey("org.Member", verbose_name=_("party member"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    task = models.TextField(_("task"), blank=True)
    due_on = models.DateField(_("deadline"))
    progress_pct = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_note = models.TextField(_("progress"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "topic__unit"

    class Meta:
        verbose_name = _("implementation")
        verbose_name_plural = _("implementations")
        ordering = ["due_on", "id"]
        constraints = [
            choice_check("kind", WorkKind, "gov_work_kind_valid"),
            models.CheckConstraint(
                name="gov_work_case_or_task",
                condition=Q(kind=WorkKind.CASE, case__isnull=False)
                | Q(kind=WorkKind.TASK, case__isnull=True) & ~Q(task="")
                & (Q(committee__isnull=False) | Q(property_service__isnull=False) | Q(social_org__isnull=False)
                   | Q(assignee_member__isnull=False)),
            ),
            models.CheckConstraint(condition=Q(progress_pct__lte=100), name="gov_work_progress_pct"),
            models.CheckConstraint(condition=Q(completed_on__isnull=True) | Q(kind=WorkKind.TASK),
                                   name="gov_work_completed_task_only"),
        ]
        indexes = [models.Index(fields=["completed_on", "due_on"], name="gov_work_open_due")]

    def __str__(self):
        return self.task or str(self.case)

    @property
    def assignee(self):
        return self.committee or self.property_service or self.social_org or self.assignee_member


class FollowUp(models.Model):
    """A follow-up visit 回访 of a completed task with the residents' satisfaction."""

    work = models.ForeignKey(WorkItem, verbose_name=_("implementation"), on_delete=models.CASCADE,
                             related_name="follow_ups")
    on = models.DateField(_("date"))
    satisfaction = models.CharField(_("resident satisfaction"), max_length=16, choices=Satisfaction.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    objects = ScopedManager()
    scope_unit_path = "work__topic__unit"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["work_id", "on", "id"]
        constraints = [choice_check("satisfaction", Satisfaction, "gov_followup_satisfaction_valid")]


class OverdueReminder(models.Model):
    """One row per (overdue implementation, day) the daily job reminded about: the job is idempotent."""

    work = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    recipients = models.PositiveIntegerField(default=0)

    objects = ScopedManager()
    scope_unit_path = "work__topic__unit"

    class Meta:
        verbose_name = _("overdue reminder")
        verbose_name_plural = _("overdue reminders")
        constraints = [models.UniqueConstraint(fields=["work", "day"], name="gov_overdue_once_per_day")]
