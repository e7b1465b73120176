"""Community cadres' careers (e.g. 定向招录 into the civil service) and district department staff
stationed in streets (力量下沉)."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.scoping import ScopedManager
from org.choices import STREET_KINDS

from ..choices import CareerEventKind

__all__ = ["CareerEvent", "StationedStaff"]


class CareerEvent(TimeStampedModel):
    """A career event of a community cadre, who is a committee member (by seat)."""

    seat = models.ForeignKey("resources.Seat", verbose_name=_("committee member"), on_delete=models.PROTECT,
                             related_name="career_events")
    kind = models.CharField(_("kind"), max_length=20, choices=CareerEventKind.choices)
    happened_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")

    objects = ScopedManager()
    scope_unit_path = "seat__term__community"

    class Meta:
        verbose_name = _("career event")
        verbose_name_plural = _("career events")
        ordering = ["-happened_on", "-pk"]
        constraints = [
            models.CheckConstraint(name="career_kind_valid", condition=Q(kind__in=CareerEventKind.values)),
        ]

    def __str__(self):
        return f"{self.seat.person_name} · {self.get_kind_display()}"


class StationedStaff(TimeStampedModel):
    """力量下沉: a person of a district department stationed in a street from–to."""

    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="stationed_staff")
    street = models.ForeignKey("org.OrgUnit", verbose_name=_("street"), on_delete=models.PROTECT,
                               related_name="stationed_staff")
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    member = models.ForeignKey("org.Member", verbose_name=_("member record"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="stationings")
    post = models.CharField(_("post"), max_length=64, blank=True, default="")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    objects = ScopedManager()
    scope_unit_path = "street"
    scope_department_path = "department"

    class Meta:
        verbose_name = _("stationed staff")
        verbose_name_plural = _("stationed staff")
        ordering = ["street__tree_id", "street__lft", "department__code", "person_name", "pk"]
        constraints = [
            models.CheckConstraint(name="stationed_valid_range",
                                   condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on"))),
            models.CheckConstraint(name="stationed_name_not_blank", condition=~Q(person_name="")),
        ]

    def __str__(self):
        return f"{self.person_name} · {self.street}"

    def clean(self):
        super().clean()
        if self.street_id and self.street.kind not in STREET_KINDS:
            raise ValidationError({"street": ValidationError(
                _("Staff are stationed in a street or town."), code="not_street")})
