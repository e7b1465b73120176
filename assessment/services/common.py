"""Helpers shared by the assessment services: audit rows, the district root, the finalisation lock."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_write, record, snapshot
from core.models import AuditLog
from org.models import OrgUnit

from ..choices import YearCloseState
from ..models import YearClose

SYSTEM = "system:assessment"  # actor_username of audit rows written by the periodic jobs


def audit(actor, action: str, obj, before=None, after=None, unit=None):
    """Exactly one audit row per service call; periodic jobs write as ``system:assessment``."""
    if actor is None:
        return record(kind=AuditLog.Kind.WRITE, action=action, obj=obj, unit=unit, before=before,
                      after=after if after is not None else snapshot(obj), actor_username=SYSTEM)
    return audit_write(actor=actor, action=action, obj=obj, before=before,
                       after=after if after is not None else snapshot(obj), unit=unit)


def today():
    return timezone.localdate()


def root_of(unit) -> OrgUnit:
    return OrgUnit.objects.get(tree_id=unit.tree_id, parent__isnull=True)


def require_root(unit) -> OrgUnit:
    unit = OrgUnit.objects.get(pk=getattr(unit, "pk", unit))
    if unit.parent_id is not None:
        raise ValidationError({"owner": ValidationError(_("Only the district keeps assessment schemes and years."),
                                                        code="not_district")})
    return unit


def year_finalised(owner_id: int, year: int) -> bool:
    return YearClose.objects.filter(owner_id=owner_id, year=year, state=YearCloseState.FINALISED).exists()


def refuse_if_finalised(owner_id: int, year: int) -> None:
    if year_finalised(owner_id, year):
        raise ValidationError(_("The assessment year %(year)s is finalised; the district must reopen it first.")
                              % {"year": year}, code="year_finalised")


def not_blank(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(_("This field is required."), code="required")})
    return value
