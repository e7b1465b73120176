"""Regular (quarterly) assessment 平时考核: one row per (scheme, assessee, quarter), its indicator
scores with the records behind them, and the lapses of units that did not complete theirs in time."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import RegularGrade, RegularState
from .base import AssesseeMixin, choice_check


class RegularAssessment(AssesseeMixin, TimeStampedModel):
    """The regular assessment of one assessee for one quarter (``period`` ``2026-Q1``), opened by the
    quarterly job; the reviewer unit enters the reviewed indicators and completes it by ``deadline``."""

    scheme = models.ForeignKey("assessment.Scheme", verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="regular_assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("quarter"), max_length=7)
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=10, choices=RegularState.choices, default=RegularState.OPEN)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=RegularGrade.choices, blank=True, default="")
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("regular assessment")
        verbose_name_plural = _("regular assessments")
        ordering = ["-period", "reviewer_unit_id", "assessee_key"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "assessee_key", "period"], name="regular_once_per_quarter"),
            choice_check("state", RegularState, "regular_state_valid"),
            choice_check("grade", RegularGrade, "regular_grade_valid", allow_blank=True),
            models.CheckConstraint(
                name="regular_completed_iff_graded",
                condition=Q(state=RegularState.COMPLETED, completed_on__isnull=False, score__isnull=False)
                & ~Q(grade="") | (Q(state=RegularState.OPEN, completed_on__isnull=True) & Q(grade="")),
            ),
        ]
        indexes = [models.Index(fields=["reviewer_unit", "period"], name="regular_reviewer_period"),
                   models.Index(fields=["year", "scheme"], name="regular_year_scheme")]

    def __str__(self):
        return f"{self.period} {self.assessee_key}"

    @property
    def on_time(self) -> bool:
        return self.completed_on is not None and self.completed_on <= self.deadline


class IndicatorScore(models.Model):
    """The score of one indicator in one regular assessment. Computed: ``value`` from the rule and
    ``records`` (``[{"type": "supervision.visitgap", "id": 7}, …]``) the rows behind it. Reviewed: the
    reviewer's score with ``evidence`` and ``comment`` (who and when in ``entered_by``/``entered_at``)."""

    assessment = models.ForeignKey(RegularAssessment, verbose_name=_("regular assessment"),
                                   on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey("assessment.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="scores")
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    records = models.JSONField(_("records behind it"), default=list, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "assessment__unit"

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = ["assessment_id", "indicator__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicatorscore_once"),
            models.CheckConstraint(name="indicatorscore_not_negative", condition=Q(score__isnull=True) | Q(score__gte=0)),
        ]

    def __str__(self):
        return f"{self.assessment} {self.indicator_id}"


class Lapse(models.Model):
    """A quarter in which ``unit`` did not complete the regular assessments it is responsible for by
    their deadline (落实平时考核不力): recorded once per (unit, quarter) when the deadline has passed, with
    the deadline and the assessments that were late or never completed. The cut of the excellence
    quota is computed from these rows (never typed in)."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("quarter"), max_length=7)
    deadline = models.DateField(_("deadline"))
    recorded_on = models.DateField(_("recorded on"))
    assessments = models.ManyToManyField(RegularAssessment, verbose_name=_("assessments not completed in time"),
                                         related_name="lapses")
    late_count = models.PositiveIntegerField(_("assessments not completed in time"), default=0)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("regular-assessment lapse")
        verbose_name_plural = _("regular-assessment lapses")
        ordering = ["-period", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="lapse_once_per_quarter")]
        indexes = [models.Index(fields=["year", "unit"], name="lapse_year_unit")]

    def __str__(self):
        return f"{self.period} {self.unit}"
