"""Responsibility and task lists 责任清单 / 任务清单: areas, key tasks, assignment letters 交办书 and
progress reports."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet

from ..choices import AssignmentRole, LetterState
from .base import choice_check
from .cycle import unit_or_department_unique


class TaskArea(models.Model):
    """One of the areas (方面) of a year's task list, kept by a unit (the district root)."""

    owner = models.ForeignKey("org.OrgUnit", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=120)

    objects = ScopedManager()
    scope_unit_path = "owner"

    class Meta:
        verbose_name = _("task area")
        verbose_name_plural = _("task areas")
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["owner", "year", "number"], name="taskarea_number_unique")]

    def __str__(self):
        return f"{self.year}-{self.number} {self.name}"


class KeyTask(models.Model):
    """A key task (重点任务) of an area, numbered within the year."""

    area = models.ForeignKey(TaskArea, verbose_name=_("area"), on_delete=models.PROTECT, related_name="tasks")
    owner = models.ForeignKey("org.OrgUnit", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    deadline = models.DateField(_("deadline"))

    objects = ScopedManager()
    scope_unit_path = "owner"

    class Meta:
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["owner", "year", "number"], name="keytask_number_unique")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class LetterQuerySet(ScopedQuerySet):
    def with_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.annotate(
            is_overdue=models.Case(
                models.When(~Q(state=LetterState.COMPLETED) & Q(deadline__lt=today), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue(self, today=None):
        return self.exclude(state=LetterState.COMPLETED).filter(deadline__lt=today or timezone.localdate())


class AssignmentLetter(TimeStampedModel):
    """An assignment letter 交办书: a key task given to a street (``unit``) or to a district department
    (``department``; ``unit`` is then the unit it is registered at, the district root), as lead
    (主办) or support (协办), with a deadline. Numbered ``<prefix>〔year〕n号``. Overdue is computed."""

    task = models.ForeignKey(KeyTask, verbose_name=_("key task"), on_delete=models.PROTECT, related_name="letters")
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("number"), max_length=40, unique=True)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("assigned unit"), on_delete=models.PROTECT,
                             related_name="assignment_letters")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("assigned department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="assignment_letters")
    role = models.CharField(_("role"), max_length=8, choices=AssignmentRole.choices, default=AssignmentRole.LEAD)
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("deadline"))
    requirements = models.TextField(_("requirements"), blank=True)
    state = models.CharField(_("state"), max_length=12, choices=LetterState.choices, default=LetterState.ISSUED)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = models.Manager.from_queryset(LetterQuerySet)()
    scope_unit_path = "unit"
    scope_department_path = "department"

    class Meta:
        verbose_name = _("assignment letter")
        verbose_name_plural = _("assignment letters")
        ordering = ["year", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="letter_seq_unique"),
            *unit_or_department_unique(["task"], "letter_once_per_task"),
            choice_check("role", AssignmentRole, "letter_role_valid"),
            choice_check("state", LetterState, "letter_state_valid"),
            models.CheckConstraint(
                name="letter_completed_on_iff_completed",
                condition=Q(state=LetterState.COMPLETED, completed_on__isnull=False)
                | (~Q(state=LetterState.COMPLETED) & Q(completed_on__isnull=True)),
            ),
            models.CheckConstraint(name="letter_deadline_after_issue", condition=Q(deadline__gte=models.F("issued_on"))),
        ]

    def __str__(self):
        return self.number

    @property
    def assignee(self):
        return self.department or self.unit


class ProgressReport(models.Model):
    """A progress report on an assignment letter, by the assignee."""

    letter = models.ForeignKey(AssignmentLetter, verbose_name=_("assignment letter"), on_delete=models.CASCADE,
                               related_name="reports")
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("progress"))
    completes = models.BooleanField(_("task completed"), default=False)

    objects = ScopedManager()
    scope_unit_path = "letter__unit"
    scope_department_path = "letter__department"

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["letter_id", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(name="progress_percent_range", condition=Q(percent__lte=100)),
            models.CheckConstraint(name="progress_completes_at_100", condition=Q(completes=False) | Q(percent=100)),
        ]

    def __str__(self):
        return f"{self.letter} {self.reported_on} {self.percent}%"
