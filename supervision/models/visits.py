"""Weekly visit records 周纪实 and the gaps the weekly cycle records."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager
from org.choices import LEVEL_OF_KIND, Level

from ..choices import Category
from .base import choice_check


class VisitRecord(TimeStampedModel):
    """One visit by a community cadre: who, when, where (a community, compound or building), which
    households, and what residents said (民情民意). The record is the evidence: no check-in clock,
    no location and no photo quota. What needs action becomes one or more cases (``Case.visit``)."""

    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="visit_records"
    )
    visited_on = models.DateField(_("visited on"))
    place = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("place"), on_delete=models.PROTECT, related_name="visit_records"
    )
    households = models.CharField(_("households visited"), max_length=200, blank=True)
    households_count = models.PositiveIntegerField(_("number of households"), default=1)
    heard = models.TextField(_("what residents said"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices, default=Category.OTHER)
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    objects = ScopedManager()
    scope_unit_path = "place"

    class Meta:
        verbose_name = _("weekly visit record")
        verbose_name_plural = _("weekly visit records")
        ordering = ["-visited_on", "-id"]
        constraints = [
            choice_check("category", Category, "visitrecord_category_valid"),
            models.CheckConstraint(condition=~Q(heard=""), name="visitrecord_heard_not_blank"),
        ]
        indexes = [
            models.Index(fields=["place", "visited_on"], name="visit_place_day"),
            models.Index(fields=["cadre", "visited_on"], name="visit_cadre_day"),
            models.Index(fields=["visited_on"], name="visit_day"),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.cadre} @ {self.place}"

    def clean(self):
        super().clean()
        if self.place_id and LEVEL_OF_KIND.get(self.place.kind, -1) < Level.COMMUNITY:
            raise ValidationError({"place": _("A visit takes place in a community, a compound or a building.")})


class VisitGap(models.Model):
    """Recorded by the weekly cycle: a community (``cadre`` empty) or a cadre of that community with no
    visit record in the ISO week ``period``. Unique per (period, community, cadre)."""

    period = models.CharField(_("week"), max_length=10)
    community = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT, related_name="visit_gaps"
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cadre"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="visit_gaps",
    )
    run = models.ForeignKey("supervision.CycleRun", on_delete=models.PROTECT, related_name="visit_gaps")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("visit gap")
        verbose_name_plural = _("visit gaps")
        ordering = ["-period", "community_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "community"], condition=Q(cadre__isnull=True), name="visitgap_one_per_community"
            ),
            models.UniqueConstraint(
                fields=["period", "community", "cadre"], condition=Q(cadre__isnull=False),
                name="visitgap_one_per_cadre",
            ),
        ]

    def __str__(self):
        return f"{self.period} {self.community} {self.cadre or ''}".strip()
