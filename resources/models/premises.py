"""阵地: community offices and venues with their area, renovation and expansion projects, idle offices
revived for a new use, and venues of resident units (驻区单位) shared with the community."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager
from org.choices import COMMUNITY_KINDS

from ..choices import PremiseKind, ProjectKind, VenueKind

__all__ = ["IdleRevival", "Premise", "RenovationProject", "SharedVenue"]


def _community_check(unit, message):
    if unit is not None and unit.kind not in COMMUNITY_KINDS:
        raise ValidationError({"community": ValidationError(message, code="not_community")})


class Premise(TimeStampedModel):
    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="premises")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=PremiseKind.choices, default=PremiseKind.OFFICE)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=1)
    address = models.CharField(_("address"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        ordering = ["community__tree_id", "community__lft", "name", "pk"]
        constraints = [
            models.CheckConstraint(name="premise_area_positive", condition=Q(area_m2__gt=0)),
            models.CheckConstraint(name="premise_name_not_blank", condition=~Q(name="")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        _community_check(self.community if self.community_id else None,
                         _("Premises belong to a community or village."))


class RenovationProject(TimeStampedModel):
    """改扩建: a renovation or expansion of a premises: budget, money spent, start and acceptance."""

    premise = models.ForeignKey(Premise, verbose_name=_("premises"), on_delete=models.PROTECT,
                                related_name="renovations")
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.RENOVATION)
    budget_yuan = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2)
    spent_yuan = models.DecimalField(_("spent (yuan)"), max_digits=14, decimal_places=2, default=0)
    started_on = models.DateField(_("started on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    added_area_m2 = models.DecimalField(_("added area (m²)"), max_digits=10, decimal_places=1, default=0)

    objects = ScopedManager()
    scope_unit_path = "premise__community"

    class Meta:
        verbose_name = _("renovation project")
        verbose_name_plural = _("renovation projects")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="renovation_budget_positive", condition=Q(budget_yuan__gt=0)),
            models.CheckConstraint(name="renovation_spent_not_negative", condition=Q(spent_yuan__gte=0)),
            models.CheckConstraint(name="renovation_added_area_not_negative", condition=Q(added_area_m2__gte=0)),
            models.CheckConstraint(name="renovation_accepted_after_start",
                                   condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("started_on"))),
        ]

    def __str__(self):
        return f"{self.premise} · {self.get_kind_display()}"


class IdleRevival(TimeStampedModel):
    """盘活闲置办公用房: an idle office taken into a new use."""

    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="idle_revivals")
    name = models.CharField(_("name"), max_length=120)
    former_use = models.CharField(_("former use"), max_length=120, blank=True, default="")
    new_use = models.CharField(_("new use"), max_length=120)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=1)
    revived_on = models.DateField(_("revived on"))

    objects = ScopedManager()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("revived idle office")
        verbose_name_plural = _("revived idle offices")
        ordering = ["-revived_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="revival_area_positive", condition=Q(area_m2__gt=0)),
            models.CheckConstraint(name="revival_new_use_not_blank", condition=~Q(new_use="")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        _community_check(self.community if self.community_id else None,
                         _("A revived office belongs to a community or village."))


class SharedVenue(TimeStampedModel):
    """A venue of a resident unit (驻区单位) opened to the community, with its opening terms."""

    host = models.ForeignKey("org.OutsideUnit", verbose_name=_("resident unit"), on_delete=models.PROTECT,
                             related_name="shared_venues")
    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="shared_venues")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=VenueKind.choices)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True)
    opening_terms = models.CharField(_("opening terms"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "community"
    scope_department_path = "host"

    class Meta:
        verbose_name = _("shared venue")
        verbose_name_plural = _("shared venues")
        ordering = ["community__tree_id", "community__lft", "name", "pk"]
        constraints = [
            models.CheckConstraint(name="venue_terms_not_blank", condition=~Q(opening_terms="")),
            models.CheckConstraint(name="venue_valid_range",
                                   condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on"))),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        _community_check(self.community if self.community_id else None,
                         _("A shared venue serves a community or village."))
