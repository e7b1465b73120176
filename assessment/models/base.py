"""Shared model plumbing of the assessment system."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def choice_check(field: str, choices, name: str, allow_blank: bool = False) -> models.CheckConstraint:
    values = list(choices.values)
    if allow_blank and "" not in values:
        values.append("")
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


def unit_key(unit_id: int) -> str:
    return f"u{unit_id}"


def person_key(user_id: int, unit_id: int) -> str:
    return f"p{user_id}@{unit_id}"


def department_key(department_id: int) -> str:
    return f"d{department_id}"


class AssesseeMixin(models.Model):
    """Who is assessed: a unit of the tree, a district department (``unit`` is then the unit it is
    registered at), or a person (a user holding a secretary's or cadre's role grant at ``unit``: never a
    retyped name). ``assessee_key`` (``u<unit>``, ``d<department>``, ``p<user>@<unit>``) makes the
    periodic rows unique with one plain constraint. ``reviewer_unit`` is the unit that assesses: a
    street its communities and cadres, a community its cadres, the district the streets, departments
    and street secretaries."""

    assessee_key = models.CharField(_("assessee"), max_length=40, editable=False)
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("org.OutsideUnit", verbose_name=_("district department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person assessed"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reviewer_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("assessed by"), on_delete=models.PROTECT,
                                      related_name="+")

    class Meta:
        abstract = True

    @property
    def assessee_name(self) -> str:
        if self.person_id:
            return self.person.display_name()
        if self.department_id:
            return self.department.name
        return self.unit.name

    @property
    def is_person(self) -> bool:
        return self.person_id is not None
