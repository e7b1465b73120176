"""党建大比武: a competition (year, round, weighted criteria, judges), the entries of community
secretaries, each judge's score per criterion. The result is computed (``services.entry_result``);
grades are stored only when the district publishes them. No ranking and no running points."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import Grade
from .base import choice_check


class Competition(TimeStampedModel):
    """One round of a year's competition, organised by a district (or street): its criteria carry
    weights, its judges are users. ``published_at`` is set only by ``competition_publish``."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("organised by"), on_delete=models.PROTECT,
                             related_name="governance_competitions")
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    title = models.CharField(_("title"), max_length=120)
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("judges"), related_name="+")
    published_at = models.DateTimeField(_("grades published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-year", "-round", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "round"], name="gov_competition_round"),
            models.CheckConstraint(condition=~Q(title="") & Q(round__gte=1), name="gov_competition_title"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Criterion(models.Model):
    """A scoring criterion of a competition: a weight, judges score it 0..``max_score``."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("criterion"), max_length=60)
    weight = models.PositiveSmallIntegerField(_("weight"))
    max_score = models.PositiveSmallIntegerField(_("full marks"), default=100)

    objects = ScopedManager()
    scope_unit_path = "competition__unit"

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["competition_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="gov_criterion_name"),
            models.UniqueConstraint(fields=["competition", "position"], name="gov_criterion_position"),
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(max_score__gte=1) & ~Q(name=""),
                                   name="gov_criterion_valid"),
        ]

    def __str__(self):
        return self.name


class Entry(TimeStampedModel):
    """A community's entry, submitted by its secretary (``entrant``). ``total``/``grade`` are written
    only when the grades are published (computed from the scores, never typed)."""

    competition = models.ForeignKey(Competition, verbose_name=_("competition"), on_delete=models.CASCADE,
                                    related_name="entries")
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                             related_name="governance_entries")
    entrant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entrant"), on_delete=models.PROTECT,
                                related_name="+")
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"))
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("competition entry")
        verbose_name_plural = _("competition entries")
        ordering = ["competition_id", "unit__tree_id", "unit__lft"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "unit"], name="gov_entry_one_per_unit"),
            choice_check("grade", Grade, "gov_entry_grade_valid", allow_blank=True),
            models.CheckConstraint(condition=~Q(title="") & ~Q(summary=""), name="gov_entry_text"),
        ]

    def __str__(self):
        return self.title


class Score(models.Model):
    """One judge's score of one criterion of one entry."""

    entry = models.ForeignKey(Entry, verbose_name=_("competition entry"), on_delete=models.CASCADE,
                              related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE,
                                  related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("judge"), on_delete=models.PROTECT,
                              related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    objects = ScopedManager()
    scope_unit_path = "entry__unit"

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["entry", "criterion", "judge"], name="gov_score_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="gov_score_not_negative"),
        ]
