"""结对帮扶: a district unit (an ``org.OutsideUnit``: a district department, institution or enterprise)
paired with a community for a period, its support records, and the difficulties it took on.

A difficulty is a case of the work system (``supervision.Case``, source ``pairing``) registered through
``supervision.services.case_register``; ``PairingDifficulty`` only links the case to the pairing, so
"solved" is the case's state (entered once, in the case workflow). The department's liaisons see the
department's pairings (``scope_department_path``).
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import ScopedManager, ScopedQuerySet
from org.choices import COMMUNITY_KINDS

from ..choices import SupportKind

__all__ = ["Pairing", "PairingDifficulty", "PairingQuerySet", "SupportRecord"]


class PairingQuerySet(ScopedQuerySet):
    def running_in(self, year: int):
        """Pairings running at some time of ``year``."""
        import datetime as dt

        return self.filter(Q(starts_on__lte=dt.date(year, 12, 31))
                           & (Q(ends_on__isnull=True) | Q(ends_on__gte=dt.date(year, 1, 1))))


class Pairing(TimeStampedModel):
    partner = models.ForeignKey("org.OutsideUnit", verbose_name=_("paired district unit"),
                                on_delete=models.PROTECT, related_name="pairings")
    community = models.ForeignKey("org.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="pairings")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    focus = models.CharField(_("focus of the support"), max_length=200, blank=True, default="")

    objects = models.Manager.from_queryset(PairingQuerySet)()
    scope_unit_path = "community"
    scope_department_path = "partner"

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["community__tree_id", "community__lft", "partner__code", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "community", "starts_on"], name="pairing_unique_start"),
            models.CheckConstraint(name="pairing_valid_range",
                                   condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on"))),
        ]

    def __str__(self):
        return f"{self.partner} ↔ {self.community}"

    def clean(self):
        super().clean()
        if self.community_id and self.community.kind not in COMMUNITY_KINDS:
            raise ValidationError({"community": ValidationError(
                _("A district unit is paired with a community or village."), code="not_community")})


class SupportRecord(TimeStampedModel):
    """Support a paired unit gave: funds, a project, technology (with the money involved, in yuan)."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT,
                                related_name="support_records")
    kind = models.CharField(_("kind of support"), max_length=16, choices=SupportKind.choices)
    given_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, default=0)

    objects = ScopedManager()
    scope_unit_path = "pairing__community"
    scope_department_path = "pairing__partner"

    class Meta:
        verbose_name = _("support record")
        verbose_name_plural = _("support records")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="support_amount_not_negative", condition=Q(amount_yuan__gte=0)),
            models.CheckConstraint(name="support_kind_valid", condition=Q(kind__in=SupportKind.values)),
            models.CheckConstraint(name="support_description_not_blank", condition=~Q(description="")),
        ]

    def __str__(self):
        return self.description


class PairingDifficulty(models.Model):
    """A difficulty taken on by a pairing: the link to its case (the case says whether it is solved)."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("pairing"), on_delete=models.PROTECT,
                                related_name="difficulties")
    case = models.OneToOneField("supervision.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                                related_name="pairing_difficulty")

    objects = ScopedManager()
    scope_unit_path = "pairing__community"
    scope_department_path = "pairing__partner"

    class Meta:
        verbose_name = _("pairing difficulty")
        verbose_name_plural = _("pairing difficulties")
        ordering = ["pairing", "case"]

    def __str__(self):
        return f"{self.pairing} · {self.case_id}"
