"""Units outside the tree: departments, enterprises, police stations, banks, owners' committees…"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import Action, ScopedQuerySet, model_scope_q, scope_nodes


class OutsideUnitKind(models.TextChoices):
    DISTRICT_DEPARTMENT = "district_department", _("District department")
    CITY_DEPARTMENT = "city_department", _("City department")
    SOE = "soe", _("State-owned enterprise")
    POLICE_STATION = "police_station", _("Police station")
    BANK = "bank", _("Bank / financial institution")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property-management company")
    SCHOOL_HOSPITAL = "public_institution", _("Public institution")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class OutsideUnitQuerySet(ScopedQuerySet):
    def pickable_by(self, user, action: str = Action.VIEW):
        """Active outside units a user may pick in a form, whatever the action: those registered at an
        ancestor-or-self of one of their grant nodes (the district's departments, say), those in scope
        (registered below), and a liaison's own departments. Two queries."""
        from .tree import OrgUnit

        qs = self.filter(is_active=True)
        nodes = scope_nodes(user, Action.VIEW)
        if nodes is not None:
            ancestors = Q(pk__in=[])
            for n in nodes:
                ancestors |= Q(tree_id=n.tree_id, lft__lte=n.lft, rght__gte=n.rght)
            ancestor_ids = list(OrgUnit.objects.filter(ancestors).values_list("pk", flat=True))
            qs = qs.filter(Q(registered_at_id__in=ancestor_ids) | model_scope_q(self.model, user, Action.VIEW))
        return qs.order_by("kind", "code")


class OutsideUnit(TimeStampedModel):
    """A unit outside the party-organisation tree (区直单位, 市直单位, 国企, 派出所, 银行, 业委会, 物业…).

    Used for members' work units, part-time committee members' home units, transfers from SOEs,
    pairing, task assignment and case escalation. ``registered_at`` is the tree unit that keeps the
    record (the district root for district and city departments, a street or community for local
    ones); it decides who may edit it. Everyone may pick from the records registered at their own
    units' ancestors or below (``OutsideUnitQuerySet.pickable_by``).
    """

    kind = models.CharField(_("kind"), max_length=24, choices=OutsideUnitKind.choices)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    registered_at = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("registered at"), on_delete=models.PROTECT, related_name="outside_units"
    )
    contact = models.CharField(_("contact person"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = models.Manager.from_queryset(OutsideUnitQuerySet)()
    scope_unit_path = "registered_at"
    scope_department_path = ""  # a department's own liaisons see its record

    class Meta:
        verbose_name = _("outside unit")
        verbose_name_plural = _("outside units")
        ordering = ["kind", "code"]
        constraints = [models.CheckConstraint(name="outsideunit_code_not_blank", condition=~models.Q(code=""))]

    def __str__(self):
        return self.short_name or self.name
