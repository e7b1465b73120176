"""Year-end assessment 年终考核: one result per (scheme, assessee), the district's override of a quota
cut, and the finalisation of a year with its event rows."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedManager

from ..choices import PERSON_GRADE_LABELS, YearCloseAction, YearCloseState, YearGrade
from .base import AssesseeMixin, choice_check


class YearResult(AssesseeMixin):
    """The year-end result of one assessee under one scheme. ``regular_avg`` comes from the completed
    quarters, ``review_score`` from the year-end review, ``vote_score`` from the 述职评议 votes;
    ``total`` and ``score_grade`` are computed set-based (``services.yearend.year_compute``). For a
    person an 优秀 grade is proposed by the reviewer unit within its quota (``excellent_proposed``).
    On finalisation ``snapshot`` keeps every input with the ids of the records behind it and
    ``frozen`` stops any further change."""

    scheme = models.ForeignKey("assessment.Scheme", verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="year_results")
    year = models.PositiveSmallIntegerField(_("year"))
    regular_count = models.PositiveSmallIntegerField(_("quarters completed"), default=0)
    regular_avg = models.DecimalField(_("regular average"), max_digits=6, decimal_places=2, null=True, blank=True)
    review_score = models.DecimalField(_("year-end review"), max_digits=6, decimal_places=2, null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    review_evidence = models.TextField(_("review evidence"), blank=True)
    debrief_report = models.TextField(_("debrief report (述职)"), blank=True)
    votes_good = models.PositiveIntegerField(_("votes good"), default=0)
    votes_fairly_good = models.PositiveIntegerField(_("votes fairly good"), default=0)
    votes_average = models.PositiveIntegerField(_("votes average"), default=0)
    votes_poor = models.PositiveIntegerField(_("votes poor"), default=0)
    vote_score = models.DecimalField(_("debrief score"), max_digits=6, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    score_grade = models.CharField(_("grade by score"), max_length=10, choices=YearGrade.choices, blank=True,
                                   default="")
    grade = models.CharField(_("grade"), max_length=10, choices=YearGrade.choices, blank=True, default="")
    excellent_proposed = models.BooleanField(_("proposed excellent"), default=False)
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True)
    frozen = models.BooleanField(_("finalised"), default=False)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("year-end result")
        verbose_name_plural = _("year-end results")
        ordering = ["-year", "reviewer_unit_id", "assessee_key"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "assessee_key"], name="yearresult_once"),
            choice_check("grade", YearGrade, "yearresult_grade_valid", allow_blank=True),
            choice_check("score_grade", YearGrade, "yearresult_score_grade_valid", allow_blank=True),
            models.CheckConstraint(name="yearresult_excellent_proposed_person",
                                   condition=Q(excellent_proposed=False) | Q(person__isnull=False)),
        ]
        indexes = [models.Index(fields=["year", "reviewer_unit"], name="yearresult_year_reviewer")]

    def __str__(self):
        return f"{self.year} {self.assessee_key}"

    @property
    def grade_label(self):
        """The grade as its assessee reads it: 优秀/合格/… for units, 优秀/称职/… for individuals."""
        if not self.grade:
            return ""
        return PERSON_GRADE_LABELS[self.grade] if self.person_id else YearGrade(self.grade).label

    @property
    def votes_total(self) -> int:
        return self.votes_good + self.votes_fairly_good + self.votes_average + self.votes_poor


class QuotaOverride(models.Model):
    """The district's override of the computed cut of one unit's excellence quota under one scheme,
    with its reason (the computed cut and its lapses stay visible beside it)."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey("assessment.Scheme", verbose_name=_("scheme"), on_delete=models.PROTECT,
                               related_name="quota_overrides")
    cut_points = models.PositiveSmallIntegerField(_("cut (points)"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("quota override")
        verbose_name_plural = _("quota overrides")
        constraints = [models.UniqueConstraint(fields=["unit", "scheme"], name="quotaoverride_once"),
                       models.CheckConstraint(name="quotaoverride_reason", condition=~Q(reason=""))]

    def __str__(self):
        return f"{self.scheme} {self.unit} {self.cut_points}"


class YearClose(models.Model):
    """The district's finalisation of an assessment year (kept by the district root)."""

    owner = models.ForeignKey("org.OrgUnit", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=YearCloseState.choices)

    objects = ScopedManager()
    scope_unit_path = "owner"

    class Meta:
        verbose_name = _("assessment year")
        verbose_name_plural = _("assessment years")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["owner", "year"], name="yearclose_once"),
                       choice_check("state", YearCloseState, "yearclose_state_valid")]

    def __str__(self):
        return f"{self.year} {self.get_state_display()}"

    @property
    def is_finalised(self) -> bool:
        return self.state == YearCloseState.FINALISED


class YearCloseEvent(models.Model):
    """One row per finalisation or reopening: who, when, why."""

    close = models.ForeignKey(YearClose, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=YearCloseAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    results = models.PositiveIntegerField(_("results"), default=0)

    objects = ScopedManager()
    scope_unit_path = "close__owner"

    class Meta:
        verbose_name = _("assessment year event")
        verbose_name_plural = _("assessment year events")
        ordering = ["close_id", "at", "id"]
        constraints = [choice_check("action", YearCloseAction, "yearcloseevent_action_valid")]

    def __str__(self):
        return f"{self.close} {self.action}"
