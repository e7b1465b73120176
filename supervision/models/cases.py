"""Cases 矛盾纠纷 / 实际困难, their time limits and their history."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet

from ..choices import (
    DONE_STATES,
    OPEN_STATES,
    CaseAction,
    CaseKind,
    CaseSource,
    CaseState,
    Category,
    Priority,
    ResponsibleLevel,
    Satisfaction,
)
from .base import choice_check

# Used when the TimeLimit table has no row for (category, level).
DEFAULT_DAYS_BY_LEVEL = {
    ResponsibleLevel.COMMUNITY: 15,
    ResponsibleLevel.STREET: 30,
    ResponsibleLevel.DEPARTMENT: 45,
    ResponsibleLevel.DISTRICT: 60,
}


class TimeLimit(models.Model):
    """How many days a case of a category has at a responsible level (editable in the admin)."""

    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    level = models.CharField(_("responsible level"), max_length=12, choices=ResponsibleLevel.choices)
    days = models.PositiveSmallIntegerField(_("days"))

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["category", "level"]
        constraints = [
            models.UniqueConstraint(fields=["category", "level"], name="timelimit_one_per_category_level"),
            models.CheckConstraint(condition=Q(days__gte=1), name="timelimit_days_positive"),
            choice_check("category", Category, "timelimit_category_valid"),
            choice_check("level", ResponsibleLevel, "timelimit_level_valid"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} · {self.get_level_display()} · {self.days}"


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def done(self):
        return self.filter(state__in=DONE_STATES)

    def overdue(self, today=None):
        return self.filter(state__in=OPEN_STATES, due_on__lt=today or timezone.localdate())

    def with_overdue(self, today=None):
        """Annotate ``is_overdue`` (computed, never stored): open and past its due date."""
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=models.Case(
                models.When(Q(state__in=OPEN_STATES, due_on__lt=today), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )


class Case(TimeStampedModel):
    """A dispute (矛盾纠纷) or practical difficulty (实际困难) of residents, from registration to the
    follow-up with the resident. ``level`` and the handler (a unit of the tree, or a district
    department) say who holds it now; the state changes only through ``supervision.services`` and
    every change is a ``CaseEvent`` row. Overdue is computed from ``due_on`` (see ``with_overdue``)."""

    kind = models.CharField(_("kind"), max_length=12, choices=CaseKind.choices)
    source = models.CharField(_("source"), max_length=12, choices=CaseSource.choices)
    visit = models.ForeignKey(
        "supervision.VisitRecord", verbose_name=_("visit record"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases",
    )
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=120)
    parties = models.CharField(_("parties"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    households_affected = models.PositiveIntegerField(_("households affected"), default=0)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, default=0)
    level = models.CharField(
        _("responsible level"), max_length=12, choices=ResponsibleLevel.choices, default=ResponsibleLevel.COMMUNITY
    )
    handler_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("handling unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    handler_department = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("handling department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    registered_on = models.DateField(_("registered on"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.REGISTERED)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    is_hard = models.BooleanField(_("hard case"), default=False)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    satisfaction = models.CharField(
        _("resident satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True, default=""
    )
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = models.Manager.from_queryset(CaseQuerySet)()
    scope_unit_path = "unit"
    scope_department_path = "handler_department"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-registered_on", "-id"]
        constraints = [
            choice_check("kind", CaseKind, "case_kind_valid"),
            choice_check("source", CaseSource, "case_source_valid"),
            choice_check("category", Category, "case_category_valid"),
            choice_check("level", ResponsibleLevel, "case_level_valid"),
            choice_check("state", CaseState, "case_state_valid"),
            choice_check("priority", Priority, "case_priority_valid"),
            choice_check("satisfaction", Satisfaction, "case_satisfaction_valid", allow_blank=True),
            models.CheckConstraint(
                name="case_handler_matches_level",
                condition=(
                    Q(level=ResponsibleLevel.DEPARTMENT, handler_department__isnull=False, handler_unit__isnull=True)
                    | (~Q(level=ResponsibleLevel.DEPARTMENT)
                       & Q(handler_department__isnull=True, handler_unit__isnull=False))
                ),
            ),
            models.CheckConstraint(
                name="case_resolved_on_iff_done",
                condition=Q(state__in=DONE_STATES, resolved_on__isnull=False)
                | (~Q(state__in=DONE_STATES) & Q(resolved_on__isnull=True)),
            ),
            models.CheckConstraint(
                name="case_satisfaction_iff_followed_up",
                condition=(Q(state=CaseState.FOLLOWED_UP) & ~Q(satisfaction="") & Q(followed_up_on__isnull=False))
                | (~Q(state=CaseState.FOLLOWED_UP) & Q(satisfaction="")),
            ),
            models.CheckConstraint(
                name="case_visit_iff_source_visit",
                condition=Q(source=CaseSource.VISIT, visit__isnull=False)
                | (~Q(source=CaseSource.VISIT) & Q(visit__isnull=True)),
            ),
            models.CheckConstraint(name="case_due_not_before_registered", condition=Q(due_on__gte=F("registered_on"))),
            models.CheckConstraint(
                name="case_resolved_not_before_registered",
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("registered_on")),
            ),
            models.CheckConstraint(name="case_amount_not_negative", condition=Q(amount_yuan__gte=0)),
            models.CheckConstraint(name="case_description_not_blank", condition=~Q(description="")),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="case_unit_state"),
            models.Index(fields=["handler_department", "state"], name="case_dept_state"),
            models.Index(fields=["state", "due_on"], name="case_state_due"),
            models.Index(fields=["registered_on"], name="case_registered"),
            models.Index(fields=["resolved_on"], name="case_resolved"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def overdue_on(self, day) -> bool:
        return self.is_open and self.due_on < day

    @property
    def holder(self):
        """Who holds the case now: a district department or a unit of the tree."""
        return self.handler_department if self.level == ResponsibleLevel.DEPARTMENT else self.handler_unit


class CaseEvent(models.Model):
    """One row per transition, hand-over, escalation, return, assignment or re-prioritisation of a case:
    who did it, when, from which holder to which holder, the states before and after, and why. A
    return names the returning unit or department (``from_*``) and the reason."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=CaseAction.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(_("from state"), max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=16, choices=CaseState.choices)
    from_level = models.CharField(_("from level"), max_length=12, choices=ResponsibleLevel.choices, blank=True)
    to_level = models.CharField(_("to level"), max_length=12, choices=ResponsibleLevel.choices, blank=True)
    from_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("from unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_department = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("from department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("to unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.OutsideUnit", verbose_name=_("to department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    satisfaction = models.CharField(
        _("resident satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True, default=""
    )
    due_on = models.DateField(_("due on after this event"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "case__unit"
    scope_department_path = "case__handler_department"

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "at", "id"]
        constraints = [
            choice_check("action", CaseAction, "caseevent_action_valid"),
            choice_check("to_state", CaseState, "caseevent_to_state_valid"),
            models.CheckConstraint(
                name="caseevent_return_has_reason_and_returner",
                condition=~Q(action=CaseAction.RETURN)
                | (~Q(reason="") & (Q(from_unit__isnull=False) | Q(from_department__isnull=False))),
            ),
            models.CheckConstraint(
                name="caseevent_register_has_no_from_state",
                condition=~Q(action=CaseAction.REGISTER) | Q(from_state=""),
            ),
        ]
        indexes = [models.Index(fields=["to_department", "at"], name="caseevent_dept_at")]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"
