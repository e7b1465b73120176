"""Compound actors 小区多元主体: owners' and supervisory committees with terms and seats, the property
company serving a compound, resident representatives. A person who is a party member is linked to
the ``org.Member`` record (found by ID number or mobile in scope); nobody's ID number is stored here."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedManager

from ..choices import CommitteeKind, SeatRole
from .base import choice_check


class Committee(TimeStampedModel):
    """One term of an owners' committee 业委会 or supervisory committee 业监委 of a compound (or a
    community): elected on a day, sitting from ``term_start`` to ``term_end``."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("compound or community"), on_delete=models.PROTECT,
                             related_name="governance_committees")
    kind = models.CharField(_("kind"), max_length=16, choices=CommitteeKind.choices)
    name = models.CharField(_("name"), max_length=120)
    elected_on = models.DateField(_("elected on"))
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term to"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")
        ordering = ["unit_id", "kind", "-term_start"]
        constraints = [
            choice_check("kind", CommitteeKind, "gov_committee_kind_valid"),
            models.CheckConstraint(condition=Q(term_end__gte=F("term_start")), name="gov_committee_term_order"),
            models.CheckConstraint(condition=Q(term_start__gte=F("elected_on")), name="gov_committee_elected_first"),
        ]
        indexes = [models.Index(fields=["unit", "kind", "term_end"], name="gov_committee_unit")]

    def __str__(self):
        return self.name


class CommitteeSeat(models.Model):
    """A person on a committee term: a party member (``member``) or a resident known by name only."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="seats")
    member = models.ForeignKey("org.Member", verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="governance_seats")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    role = models.CharField(_("role"), max_length=16, choices=SeatRole.choices, default=SeatRole.MEMBER)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "committee__unit"

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")
        ordering = ["committee_id", "role", "person_name"]
        constraints = [
            choice_check("role", SeatRole, "gov_seat_role_valid"),
            models.CheckConstraint(condition=~Q(person_name=""), name="gov_seat_name_not_blank"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="gov_seat_dates"),
        ]

    def __str__(self):
        return self.person_name

    @property
    def is_party_member(self) -> bool:
        return self.member_id is not None


class PropertyService(TimeStampedModel):
    """The property company serving a compound for a period, linked to its new-domain party
    organisation (``org.NewDomainOrg`` of kind property company) where there is one."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("compound"), on_delete=models.PROTECT,
                             related_name="governance_property_services")
    company = models.ForeignKey("org.OutsideUnit", verbose_name=_("property company"), on_delete=models.PROTECT,
                                related_name="governance_services")
    party_org = models.ForeignKey("org.NewDomainOrg", verbose_name=_("its party organisation"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="governance_services")
    manager_member = models.ForeignKey("org.Member", verbose_name=_("project manager (party member)"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("property service")
        verbose_name_plural = _("property services")
        ordering = ["unit_id", "-started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="gov_property_dates"),
        ]

    def __str__(self):
        return str(self.company)


class ResidentRepresentative(models.Model):
    """A resident representative of a compound or community for a period."""

    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("compound or community"), on_delete=models.PROTECT,
                             related_name="governance_representatives")
    member = models.ForeignKey("org.Member", verbose_name=_("party member"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("resident representative")
        verbose_name_plural = _("resident representatives")
        ordering = ["unit_id", "person_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(person_name=""), name="gov_rep_name_not_blank"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="gov_rep_dates"),
        ]

    def __str__(self):
        return self.person_name
