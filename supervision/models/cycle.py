"""The periodic work: cycle runs (the idempotency claims), monthly dispatch sheets and meetings,
quarterly consultations, and in-app notifications."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import AgendaReason, ConsultationDecision, Cycle, DispatchDecisionAction, NotificationKind
from .base import choice_check


def unit_or_department_unique(fields: list[str], name: str) -> list[models.UniqueConstraint]:
    """Unique per (fields…, target) where the target is a unit (no department) or a department.

    ``unit`` is always set (for a department: the unit it is registered at, i.e. the district root),
    so two partial constraints express "unique (fields, unit, department)" with NULL meaning "none"
    on every database (a plain UNIQUE treats NULLs as distinct).
    """
    return [
        models.UniqueConstraint(
            fields=[*fields, "unit"], condition=Q(department__isnull=True), name=f"{name}_unit"
        ),
        models.UniqueConstraint(
            fields=[*fields, "department"], condition=Q(department__isnull=False), name=f"{name}_department"
        ),
    ]


class CycleRun(models.Model):
    """The claim of one periodic job for one (cycle, unit or department, period). A job inserts this
    row first, in the same transaction as its output; a second run (rerun, duplicate delivery, a
    second worker) hits the unique constraint and skips. A failed job rolls back its claim too, so
    the period can simply be run again."""

    cycle = models.CharField(_("cycle"), max_length=10, choices=Cycle.choices)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=10)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"
    scope_department_path = "department"

    class Meta:
        verbose_name = _("cycle run")
        verbose_name_plural = _("cycle runs")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            *unit_or_department_unique(["cycle", "period"], "cyclerun_once"),
            choice_check("cycle", Cycle, "cyclerun_cycle_valid"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.period} {self.department or self.unit}"


class DispatchSheet(models.Model):
    """The monthly dispatch sheet 月调度 of a street or a district department, generated from the
    records (never typed in) and stored as a snapshot so that it reads the same later. Counts are as
    of the end of the month; ``detail`` holds visit coverage per community and cadre, the cases by
    category and the tasks due."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="dispatch_sheets",
    )
    period = models.CharField(_("month"), max_length=7)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    run = models.ForeignKey(CycleRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new_cases = models.PositiveIntegerField(_("new cases"), default=0)
    resolved_cases = models.PositiveIntegerField(_("resolved cases"), default=0)
    open_cases = models.PositiveIntegerField(_("open cases"), default=0)
    overdue_cases = models.PositiveIntegerField(_("overdue cases"), default=0)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    households_visited = models.PositiveIntegerField(_("households visited"), default=0)
    communities_total = models.PositiveIntegerField(_("communities"), default=0)
    communities_visited = models.PositiveIntegerField(_("communities visited"), default=0)
    cadres_total = models.PositiveIntegerField(_("cadres"), default=0)
    cadres_visited = models.PositiveIntegerField(_("cadres who visited"), default=0)
    tasks_due = models.PositiveIntegerField(_("tasks due"), default=0)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"
    scope_department_path = "department"

    class Meta:
        verbose_name = _("monthly dispatch sheet")
        verbose_name_plural = _("monthly dispatch sheets")
        ordering = ["-period", "unit_id", "department_id"]
        constraints = [
            *unit_or_department_unique(["period"], "dispatchsheet_once"),
            models.CheckConstraint(name="dispatchsheet_range", condition=Q(period_end__gte=F("period_start"))),
        ]

    def __str__(self):
        return f"{self.period} {self.department or self.unit}"


class DispatchMeeting(TimeStampedModel):
    """The monthly dispatch meeting held on a sheet: date, attendees and the decisions taken."""

    sheet = models.ForeignKey(DispatchSheet, verbose_name=_("dispatch sheet"), on_delete=models.PROTECT,
                              related_name="meetings")
    held_on = models.DateField(_("held on"))
    attendees = models.TextField(_("attendees"))
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedManager()
    scope_unit_path = "sheet__unit"
    scope_department_path = "sheet__department"

    class Meta:
        verbose_name = _("dispatch meeting")
        verbose_name_plural = _("dispatch meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.sheet}"


class DispatchDecision(models.Model):
    """One decision of a dispatch meeting about one case; it is carried out through the case services
    (assign, re-prioritise or escalate), whose ``CaseEvent`` is linked here."""

    meeting = models.ForeignKey(DispatchMeeting, on_delete=models.CASCADE, related_name="decisions")
    case = models.ForeignKey("supervision.Case", on_delete=models.PROTECT, related_name="dispatch_decisions")
    action = models.CharField(_("decision"), max_length=16, choices=DispatchDecisionAction.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    event = models.OneToOneField("supervision.CaseEvent", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="dispatch_decision")

    objects = ScopedManager()
    scope_unit_path = "meeting__sheet__unit"
    scope_department_path = "meeting__sheet__department"

    class Meta:
        verbose_name = _("dispatch decision")
        verbose_name_plural = _("dispatch decisions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="dispatchdecision_one_per_case"),
            choice_check("action", DispatchDecisionAction, "dispatchdecision_action_valid"),
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.case_id} {self.action}"


class Consultation(TimeStampedModel):
    """The quarterly consultation 季化解 of a street or of the district. Its agenda is built from the
    records (hard cases, cases sent to it, cases open past the threshold, and the previous quarter's
    unresolved items); the meeting records participants and a decision per case."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("quarter"), max_length=7)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    threshold_days = models.PositiveSmallIntegerField(_("open for more than (days)"), default=60)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    run = models.ForeignKey(CycleRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("quarterly consultation")
        verbose_name_plural = _("quarterly consultations")
        ordering = ["-period", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="consultation_one_per_quarter")]

    def __str__(self):
        return f"{self.period} {self.unit}"


class ConsultationItem(models.Model):
    """A case on a consultation's agenda, why it is there, and the decision. ``closed_on`` is the
    销号: set when the case is resolved. An undecided or carried-over item reappears next quarter
    (``carried_from``)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("supervision.Case", on_delete=models.PROTECT, related_name="agenda_items")
    reason = models.CharField(_("why on the agenda"), max_length=16, choices=AgendaReason.choices)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=16, choices=ConsultationDecision.choices, blank=True,
                                default="")
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_on = models.DateField(_("closed (销号) on"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "consultation__unit"

    class Meta:
        verbose_name = _("consultation agenda item")
        verbose_name_plural = _("consultation agenda items")
        ordering = ["consultation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "case"], name="consultationitem_one_per_case"),
            choice_check("reason", AgendaReason, "consultationitem_reason_valid"),
            choice_check("decision", ConsultationDecision, "consultationitem_decision_valid", allow_blank=True),
            models.CheckConstraint(
                name="consultationitem_closed_only_when_resolved",
                condition=Q(closed_on__isnull=True) | Q(decision=ConsultationDecision.RESOLVED),
            ),
        ]

    def __str__(self):
        return f"{self.consultation} · {self.case_id}"


class Notification(models.Model):
    """An in-app notification for one user. The text is built from ``kind`` and ``params`` at display
    time (so it follows the reader's language). ``dedupe_key`` makes a periodic notice idempotent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    dedupe_key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("pushed at"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_dedupe"),
            choice_check("kind", NotificationKind, "notification_kind_valid"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return f"{self.recipient} {self.kind}"

    def text(self) -> str:
        from ..notifications import render

        return render(self.kind, self.params)
