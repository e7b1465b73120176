"""Assessment schemes 考核方案, versioned by year and kind of assessee, and their indicators."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import DEFAULT_BASE_PCT, DEFAULT_CUT_TIERS, MAX_EXCELLENT_PCT, AssesseeKind, IndicatorKind, SchemeState
from .base import choice_check


def default_cut_tiers():
    return dict(DEFAULT_CUT_TIERS)


class Scheme(TimeStampedModel):
    """The scheme of one year for one kind of assessee, kept by the district root. Weights of the
    year-end result (regular average / year-end review / 述职评议 votes) add up to 100; thresholds give the
    grades. A scheme in use cannot change (``services.schemes``); next year's is copied from it."""

    owner = models.ForeignKey("org.OrgUnit", verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    assessee_kind = models.CharField(_("assessed"), max_length=12, choices=AssesseeKind.choices)
    name = models.CharField(_("name"), max_length=120)
    state = models.CharField(_("state"), max_length=8, choices=SchemeState.choices, default=SchemeState.DRAFT)
    base_excellent_pct = models.PositiveSmallIntegerField(
        _("share of excellent grades (%)"), default=DEFAULT_BASE_PCT, validators=[MaxValueValidator(MAX_EXCELLENT_PCT)])
    cut_tiers = models.JSONField(_("cut by lapses (points)"), default=default_cut_tiers,
                                 help_text=_("Number of lapses → percentage points cut, e.g. {\"1\": 3, \"2\": 4, \"3\": 5}."))
    regular_weight = models.PositiveSmallIntegerField(_("weight of regular assessment (%)"), default=40)
    review_weight = models.PositiveSmallIntegerField(_("weight of year-end review (%)"), default=60)
    vote_weight = models.PositiveSmallIntegerField(_("weight of debrief votes (%)"), default=0)
    deadline_days = models.PositiveSmallIntegerField(_("days to complete a quarter"), default=15)
    good_min = models.DecimalField(_("good from"), max_digits=5, decimal_places=2, default=90)
    fairly_good_min = models.DecimalField(_("fairly good from"), max_digits=5, decimal_places=2, default=80)
    average_min = models.DecimalField(_("average from"), max_digits=5, decimal_places=2, default=60)
    excellent_min = models.DecimalField(_("excellent from"), max_digits=5, decimal_places=2, default=90)
    competent_min = models.DecimalField(_("competent from"), max_digits=5, decimal_places=2, default=75)
    basic_min = models.DecimalField(_("basically competent from"), max_digits=5, decimal_places=2, default=60)
    copied_from = models.ForeignKey("self", verbose_name=_("copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "owner"

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "assessee_kind"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year", "assessee_kind"], name="scheme_one_per_year_kind",
                                    violation_error_code="scheme_exists",
                                    violation_error_message=_("This year already has a scheme for this kind.")),
            choice_check("assessee_kind", AssesseeKind, "scheme_kind_valid"),
            choice_check("state", SchemeState, "scheme_state_valid"),
            models.CheckConstraint(
                name="scheme_weights_100",
                condition=Q(regular_weight__lte=100) & Q(review_weight__lte=100) & Q(vote_weight__lte=100),
            ),
            models.CheckConstraint(name="scheme_regular_thresholds_ordered",
                                   condition=Q(good_min__gte=F("fairly_good_min"), fairly_good_min__gte=F("average_min"))),
            models.CheckConstraint(name="scheme_year_thresholds_ordered",
                                   condition=Q(excellent_min__gte=F("competent_min"), competent_min__gte=F("basic_min"))),
        ]

    def __str__(self):
        return self.name

    @property
    def is_in_use(self) -> bool:
        return self.state == SchemeState.IN_USE

    def clean(self):
        super().clean()
        if self.regular_weight + self.review_weight + self.vote_weight != 100:
            raise ValidationError({"regular_weight": ValidationError(
                _("The weights must add up to 100."), code="weights_not_100")})
        tiers = self.cut_tiers
        if not isinstance(tiers, dict) or not tiers:
            raise ValidationError({"cut_tiers": ValidationError(_("Give at least one tier."), code="bad_tiers")})
        try:
            pairs = sorted((int(k), int(v)) for k, v in tiers.items())
        except (TypeError, ValueError):
            raise ValidationError({"cut_tiers": ValidationError(
                _("Tiers are whole numbers of lapses and points."), code="bad_tiers")}) from None
        if any(k < 1 or v < 0 or v > self.base_excellent_pct for k, v in pairs) or \
                [v for _k, v in pairs] != sorted(v for _k, v in pairs):
            raise ValidationError({"cut_tiers": ValidationError(
                _("Tiers start at one lapse, grow with the lapses and never exceed the base share."),
                code="bad_tiers")})

    def cut_for(self, lapses: int) -> int:
        """Points cut for ``lapses`` recorded lapses (0 without any): the tier of the largest key ≤ lapses."""
        points = 0
        for key, value in sorted((int(k), int(v)) for k, v in self.cut_tiers.items()):
            if lapses >= key:
                points = value
        return points


class Indicator(models.Model):
    """One indicator of a scheme, grouped by an area of the task list. *Computed*: ``rule_kind`` names a
    rule in ``assessment.rules`` (parameters in ``params``) giving a value and the records behind it; the
    score is ``maximum − min(cap, value × step)`` (never below 0). *Reviewed*: the reviewer's score
    (0…maximum) with evidence and a comment. ``weight`` weighs the indicator in the 0–100 total."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators")
    area = models.ForeignKey("supervision.TaskArea", verbose_name=_("task-list area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    area_name = models.CharField(_("area"), max_length=120, blank=True)
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    rule_kind = models.CharField(_("rule"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    maximum = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    step = models.DecimalField(_("points deducted per step"), max_digits=6, decimal_places=2, default=0)
    cap = models.DecimalField(_("deduction cap"), max_digits=6, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ScopedManager()
    scope_unit_path = "scheme__owner"

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["scheme_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_unique",
                                    violation_error_code="code_taken",
                                    violation_error_message=_("This code is already used in the scheme.")),
            models.UniqueConstraint(fields=["scheme", "number"], name="indicator_number_unique"),
            choice_check("kind", IndicatorKind, "indicator_kind_valid"),
            models.CheckConstraint(
                name="indicator_rule_iff_computed",
                condition=(Q(kind=IndicatorKind.COMPUTED) & ~Q(rule_kind=""))
                | (Q(kind=IndicatorKind.REVIEWED) & Q(rule_kind="")),
            ),
            models.CheckConstraint(name="indicator_positive", condition=Q(maximum__gt=0, weight__gt=0, step__gte=0)),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def clean(self):
        super().clean()
        from ..rules import RULES

        if self.kind == IndicatorKind.COMPUTED:
            rule = RULES.get(self.rule_kind)
            if rule is None:
                raise ValidationError({"rule_kind": ValidationError(_("Unknown rule."), code="unknown_rule")})
            if self.scheme_id and self.scheme.assessee_kind not in rule.applies_to:
                raise ValidationError({"rule_kind": ValidationError(
                    _("This rule does not apply to this kind of assessee."), code="rule_not_applicable")})
            if not isinstance(self.params, dict):
                raise ValidationError({"params": ValidationError(_("Parameters are an object."), code="bad_params")})
            problems = rule.check_params(self.params)
            if problems:
                name, code = problems[0]
                message = (_("This rule has no parameter %(name)s.") if code == "unknown_param"
                           else _("The parameter %(name)s has the wrong type."))
                raise ValidationError({"params": ValidationError(message, code=code, params={"name": name})})
        elif self.rule_kind:
            raise ValidationError({"rule_kind": ValidationError(
                _("A reviewed indicator has no rule."), code="rule_on_reviewed")})
        if self.area_id and self.scheme_id and self.area.year != self.scheme.year:
            raise ValidationError({"area": ValidationError(
                _("The area belongs to another year's task list."), code="area_other_year")})

    def score_for(self, value):
        """The score of a computed value (Decimal)."""
        from decimal import Decimal

        deduction = Decimal(value) * self.step
        if self.cap is not None:
            deduction = min(deduction, self.cap)
        return max(Decimal(0), self.maximum - deduction).quantize(Decimal("0.01"))
