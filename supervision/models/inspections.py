"""Inspections 四不两直 with findings and rectification, supervision notices 督办通报, accountability
interviews 约谈问责, and the catalogue of delegated service items 下放服务事项."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet, root_trees

from ..choices import CauseKind, DelegatedItemAction, FindingDimension, NoticeState, ReceivingLevel
from .base import choice_check


class Inspection(TimeStampedModel):
    """An unannounced inspection 四不两直 (no notice, no greeting, no briefing, no escort; straight to
    the grassroots), organised by ``unit`` (the district root or a street)."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("organised by"), on_delete=models.PROTECT,
                             related_name="+")
    held_on = models.DateField(_("held on"))
    inspectors = models.TextField(_("inspectors"))
    places = models.ManyToManyField("org.OrgUnit", verbose_name=_("places visited"), blank=True, related_name="+")
    unannounced = models.BooleanField(_("unannounced (四不两直)"), default=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} {self.unit}"


class Finding(models.Model):
    """What an inspection found at a unit or a department, against a key task, in one dimension
    (督任务/督进度/督成效/查认识/查责任/查作风)."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="findings")
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    key_task = models.ForeignKey("supervision.KeyTask", verbose_name=_("key task"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="findings")
    dimension = models.CharField(_("dimension"), max_length=16, choices=FindingDimension.choices)
    description = models.TextField(_("finding"))

    objects = ScopedManager()
    scope_unit_path = "unit"
    scope_department_path = "department"

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["inspection_id", "id"]
        constraints = [choice_check("dimension", FindingDimension, "finding_dimension_valid")]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.description[:40]}"


class RectificationQuerySet(ScopedQuerySet):
    def overdue(self, today=None):
        return self.filter(done_on__isnull=True, deadline__lt=today or timezone.localdate())


class RectificationItem(models.Model):
    """A rectification item 整改 of a finding, with a deadline, follow-up notes and the date done."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE,
                                related_name="rectifications")
    description = models.TextField(_("rectification"))
    deadline = models.DateField(_("deadline"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = models.Manager.from_queryset(RectificationQuerySet)()
    scope_unit_path = "finding__unit"
    scope_department_path = "finding__department"

    class Meta:
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.description[:60]


CAUSE_FIELDS = {
    CauseKind.TASK: "key_task",
    CauseKind.LETTER: "letter",
    CauseKind.CASE: "case",
    CauseKind.FINDING: "finding",
}


def _cause_constraints(prefix: str) -> list:
    """Exactly the FK named by ``cause_kind`` is set; the others are empty."""
    condition = Q(pk__in=[])
    for kind, field in CAUSE_FIELDS.items():
        clause = Q(cause_kind=kind, **{f"{field}__isnull": False})
        for other in CAUSE_FIELDS.values():
            if other != field:
                clause &= Q(**{f"{other}__isnull": True})
        condition |= clause
    return [
        models.CheckConstraint(condition=condition, name=f"{prefix}_one_cause"),
        choice_check("cause_kind", CauseKind, f"{prefix}_cause_kind_valid"),
    ]


class CausedByMixin(models.Model):
    """Links a supervision measure to what caused it: a key task, an assignment letter (and so its
    task), a case, or an inspection finding. The reverse names (``notices``, ``interviews``) make
    the chain task → letter → notice → interview traceable both ways."""

    cause_kind = models.CharField(_("cause"), max_length=8, choices=CauseKind.choices)
    key_task = models.ForeignKey("supervision.KeyTask", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="%(class)ss")
    letter = models.ForeignKey("supervision.AssignmentLetter", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="%(class)ss")
    case = models.ForeignKey("supervision.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="%(class)ss")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss")

    class Meta:
        abstract = True

    @property
    def cause(self):
        return getattr(self, CAUSE_FIELDS[self.cause_kind])


class SupervisionNotice(CausedByMixin, TimeStampedModel):
    """A supervision notice 督办通报 against a unit or a district department, for an overdue task or
    case or an inspection finding. The daily cycle drafts one per (cause, month) for review;
    ``period`` is the month it belongs to, so the assessment can count them per unit and period."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="supervision_notices")
    period = models.CharField(_("month"), max_length=7)
    state = models.CharField(_("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT)
    number = models.CharField(_("number"), max_length=40, blank=True)
    text = models.TextField(_("text"), blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"
    scope_department_path = "department"

    @classmethod
    def scope_narrow_q(cls, user, action):
        """Drafts (and withdrawn drafts) are internal to the district that drafts them (grants held at
        the district root): the targeted unit or department sees a notice once it is issued."""
        return Q(state=NoticeState.ISSUED) | Q(unit__tree_id__in=sorted(root_trees(user, action) or ()))

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-period", "-id"]
        constraints = [
            *_cause_constraints("notice"),
            *[
                models.UniqueConstraint(fields=[field, "period"], condition=Q(**{f"{field}__isnull": False}),
                                        name=f"notice_one_per_{field}_period")
                for field in CAUSE_FIELDS.values()
            ],
            choice_check("state", NoticeState, "notice_state_valid"),
            # Numbers are given on issue (drafts have none); two notices never share one.
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="notice_number_unique",
                                    violation_error_code="number_taken",
                                    violation_error_message=_("This notice number is already taken.")),
            models.CheckConstraint(
                name="notice_issued_on_iff_issued",
                condition=Q(state=NoticeState.ISSUED, issued_on__isnull=False)
                | (~Q(state=NoticeState.ISSUED) & Q(issued_on__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="notice_unit_period"),
                   models.Index(fields=["department", "period"], name="notice_dept_period")]

    def __str__(self):
        return self.number or f"{self.period} {self.department or self.unit}"


class AccountabilityInterview(CausedByMixin, TimeStampedModel):
    """An accountability interview 约谈问责 of a unit's or department's responsible person, following a
    supervision notice (``notice``) or directly a cause."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="accountability_interviews")
    notice = models.ForeignKey(SupervisionNotice, verbose_name=_("supervision notice"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="interviews")
    period = models.CharField(_("month"), max_length=7)
    held_on = models.DateField(_("held on"))
    interviewee = models.CharField(_("interviewee"), max_length=120)
    interviewer = models.CharField(_("interviewer"), max_length=120)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"
    scope_department_path = "department"

    class Meta:
        verbose_name = _("accountability interview")
        verbose_name_plural = _("accountability interviews")
        ordering = ["-held_on", "-id"]
        constraints = [*_cause_constraints("interview")]
        indexes = [models.Index(fields=["unit", "period"], name="interview_unit_period")]

    def __str__(self):
        return f"{self.held_on} {self.department or self.unit}"


class DelegatedServiceItem(models.Model):
    """A service item whose approval a district department delegated to streets or communities
    (下放服务事项), kept by ``owner`` (the district root)."""

    owner = models.ForeignKey("org.OrgUnit", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("delegating department"),
                                   on_delete=models.PROTECT, related_name="delegated_items")
    receiving_level = models.CharField(_("delegated to"), max_length=12, choices=ReceivingLevel.choices)
    delegated_on = models.DateField(_("delegated on"))
    is_active = models.BooleanField(_("in force"), default=True)
    note = models.TextField(_("note"), blank=True)
    # Withdrawn (the power taken back): kept for history, out of the catalogue in force.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "owner"

    class Meta:
        verbose_name = _("delegated service item")
        verbose_name_plural = _("delegated service items")
        ordering = ["code"]
        constraints = [
            choice_check("receiving_level", ReceivingLevel, "delegateditem_level_valid"),
            models.CheckConstraint(name="delegateditem_withdrawn_not_active",
                                   condition=Q(withdrawn_on__isnull=True) | Q(is_active=False)),
        ]

    def __str__(self):
        return self.name


class DelegatedServiceItemEvent(models.Model):
    """One row per write of a delegated item (delegated, edited, withdrawn): who, when, which fields
    changed from what to what (``changes``: field → [before, after], as shown), and why."""

    item = models.ForeignKey(DelegatedServiceItem, verbose_name=_("delegated service item"),
                             on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=DelegatedItemAction.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = ScopedManager()
    scope_unit_path = "item__owner"

    class Meta:
        verbose_name = _("delegated item history")
        verbose_name_plural = _("delegated item history")
        ordering = ["item_id", "at", "id"]
        constraints = [
            choice_check("action", DelegatedItemAction, "delegateditemevent_action_valid"),
            models.CheckConstraint(name="delegateditemevent_withdraw_reason",
                                   condition=~Q(action=DelegatedItemAction.WITHDRAW) | ~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.item_id} {self.action}"
