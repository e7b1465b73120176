"""Funds: the yearly operating-fund standard per class of community, allocations to communities
(operating funds, special service funds, project funds) and their spending. Amounts in yuan (Decimal)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager
from org.choices import COMMUNITY_KINDS

from ..choices import CommunityClass, FundKind, FundSource

__all__ = ["FundAllocation", "FundSpending", "FundStandard"]


class FundStandard(TimeStampedModel):
    """运转经费标准: yuan per community per year for a class of community, set by a district."""

    owner = models.ForeignKey("org.OrgUnit", verbose_name=_("set by"), on_delete=models.PROTECT,
                              related_name="fund_standards")
    year = models.PositiveSmallIntegerField(_("year"))
    community_class = models.CharField(_("class of community"), max_length=8, choices=CommunityClass.choices)
    amount_yuan = models.DecimalField(_("yuan per community per year"), max_digits=14, decimal_places=2)

    objects = ScopedManager()
    scope_unit_path = "owner"

    class Meta:
        verbose_name = _("operating-fund standard")
        verbose_name_plural = _("operating-fund standards")
        ordering = ["-year", "community_class"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "year", "community_class"], name="fundstandard_unique"),
            models.CheckConstraint(name="fundstandard_amount_positive", condition=Q(amount_yuan__gt=0)),
        ]

    def __str__(self):
        return f"{self.year} {self.get_community_class_display()}"


class FundAllocation(TimeStampedModel):
    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="fund_allocations")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind of funds"), max_length=12, choices=FundKind.choices)
    source = models.CharField(_("source"), max_length=12, choices=FundSource.choices, default=FundSource.FINANCE)
    project = models.CharField(_("project"), max_length=120, blank=True, default="")
    allocated_on = models.DateField(_("allocated on"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    objects = ScopedManager()
    scope_unit_path = "community"

    class Meta:
        verbose_name = _("fund allocation")
        verbose_name_plural = _("fund allocations")
        ordering = ["-year", "community__tree_id", "community__lft", "kind", "pk"]
        constraints = [
            models.CheckConstraint(name="allocation_amount_positive", condition=Q(amount_yuan__gt=0)),
            models.CheckConstraint(name="allocation_kind_valid", condition=Q(kind__in=FundKind.values)),
            models.CheckConstraint(name="allocation_project_named",
                                   condition=~Q(kind=FundKind.PROJECT) | ~Q(project="")),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="allocation_year_kind")]

    def __str__(self):
        return f"{self.community} {self.year} {self.get_kind_display()}"

    def clean(self):
        super().clean()
        if self.community_id and self.community.kind not in COMMUNITY_KINDS:
            raise ValidationError({"community": ValidationError(
                _("Funds are allocated to a community or village."), code="not_community")})


class FundSpending(TimeStampedModel):
    allocation = models.ForeignKey(FundAllocation, verbose_name=_("allocation"), on_delete=models.PROTECT,
                                   related_name="spendings")
    spent_on = models.DateField(_("spent on"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=200)

    objects = ScopedManager()
    scope_unit_path = "allocation__community"

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spendings")
        ordering = ["-spent_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="spending_amount_positive", condition=Q(amount_yuan__gt=0)),
            models.CheckConstraint(name="spending_purpose_not_blank", condition=~Q(purpose="")),
        ]

    def __str__(self):
        return self.purpose
