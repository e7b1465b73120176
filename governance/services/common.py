"""What the governance services share: the audit row, scope checks, unit-level rules, member links."""
from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_write, record, snapshot
from core.models import AuditLog
from core.scoping import Action, ScopeDenied, require_scope
from org.choices import LEVEL_OF_KIND, Level
from org.models import Member, OrgUnit

log = logging.getLogger("suxian.governance")
SYSTEM = "system:governance"


def audit(actor, action: str, obj, before=None, after=None, unit=None):
    """Exactly one audit row per service call; the periodic jobs write as ``system:governance``."""
    if actor is None:
        return record(kind=AuditLog.Kind.WRITE, action=action, obj=obj, unit=unit, before=before,
                      after=after if after is not None else snapshot(obj), actor_username=SYSTEM)
    return audit_write(actor=actor, action=action, obj=obj, before=before,
                       after=after if after is not None else snapshot(obj), unit=unit)


def today() -> dt.date:
    return timezone.localdate()


def error(field: str | None, message: str, code: str) -> ValidationError:
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def not_blank(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise error(field, _("This field is required."), "required")
    return value


def fresh_unit(unit) -> OrgUnit:
    """The unit as it is now in the database (the caller's copy may be stale)."""
    return OrgUnit.objects.get(pk=getattr(unit, "pk", unit))


def unit_at(unit, levels, field: str = "unit") -> OrgUnit:
    """``unit`` re-read, checked to sit at one of ``levels``."""
    unit = fresh_unit(unit)
    if LEVEL_OF_KIND.get(unit.kind) not in levels:
        raise error(field, _("This record belongs to a unit of another level."), "bad_level")
    return unit


COMMUNITY_OR_COMPOUND = (Level.COMMUNITY, Level.COMPOUND)
COMMUNITY_OR_BELOW = (Level.COMMUNITY, Level.COMPOUND, Level.BUILDING)


def member_in_scope(actor, member, action: str = Action.VIEW) -> Member | None:
    """The linked member re-read among those the actor may see (ScopeDenied otherwise); None stays None."""
    if member is None:
        return None
    found = Member.objects.for_user(actor, action).filter(pk=getattr(member, "pk", member)).first()
    if found is None:
        raise ScopeDenied(action)
    return found


def in_scope_record(actor, model, obj, action: str = Action.VIEW, field: str = ""):
    """A linked record re-read in the actor's scope (ScopeDenied otherwise); None stays None."""
    if obj is None:
        return None
    found = model.objects.for_user(actor, action).filter(pk=getattr(obj, "pk", obj)).first()
    if found is None:
        raise ScopeDenied(action)
    return found


def person(member, person_name: str, field: str = "person_name") -> str:
    """The name shown for a person: the member's own name when linked (never typed again)."""
    if member is not None:
        return member.name
    return not_blank(person_name, field)


def check_dates(start, end, field: str = "ended_on") -> None:
    if start and end and end < start:
        raise error(field, _("The end date is before the start date."), "date_order")


def require(actor, unit, action: str = Action.CHANGE) -> None:
    require_scope(actor, action, unit)
