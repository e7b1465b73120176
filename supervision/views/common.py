"""Helpers shared by the work-system pages."""
from __future__ import annotations

from django.http import Http404

from core.scoping import Action, department_scope
from org.choices import STREET_KINDS
from org.models import OrgUnit

from ..forms import department_queryset


def targets_for(user, action: str = Action.RECORD) -> list[tuple[str, str]]:
    """Streets and district departments ``user`` may act for: ``u<id>`` / ``d<id>`` choices.
    Departments: all active ones for tree scope covering the district root, else the liaison's own."""
    streets = list(OrgUnit.objects.for_user(user, action).filter(kind__in=STREET_KINDS).order_by("tree_id", "lft")
                   .values_list("pk", "name"))
    choices = [(f"u{pk}", name) for pk, name in streets]
    own = department_scope(user, action) or ()
    covers_root = OrgUnit.objects.for_user(user, action).filter(parent__isnull=True).exists()
    for dept in department_queryset():
        if covers_root or dept.pk in own:
            choices.append((f"d{dept.pk}", dept.name))
    return choices


def resolve_target(value: str, user, action: str = Action.RECORD):
    """``u<id>`` → (street, None), ``d<id>`` → (None, department), checked against ``targets_for``."""
    if value not in {v for v, _label in targets_for(user, action)}:
        raise Http404
    from org.models import OutsideUnit

    pk = int(value[1:])
    if value[0] == "u":
        return OrgUnit.objects.get(pk=pk), None
    return None, OutsideUnit.objects.get(pk=pk)
