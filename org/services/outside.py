"""Writes of the outside-unit registry."""
from django.db import transaction

from core.audit import audit_write, snapshot
from core.scoping import Action, require_scope

from ..models import OrgUnit, OutsideUnit

OUTSIDE_EDITABLE_FIELDS = ["kind", "code", "name", "short_name", "registered_at", "contact", "phone", "is_active"]


@transaction.atomic
def outside_unit_create(*, actor, registered_at: OrgUnit, kind: str, code: str, name: str, **fields) -> OutsideUnit:
    require_scope(actor, Action.CHANGE, registered_at)
    obj = OutsideUnit(registered_at=registered_at, kind=kind, code=code.strip(), name=name.strip(), **fields)
    obj.full_clean()
    obj.save()
    audit_write(actor=actor, action="outside_unit.create", obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def outside_unit_update(*, actor, outside_unit: OutsideUnit, **changes) -> OutsideUnit:
    unknown = set(changes) - set(OUTSIDE_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    obj = OutsideUnit.objects.select_for_update().select_related("registered_at").get(pk=outside_unit.pk)
    require_scope(actor, Action.CHANGE, obj.registered_at)
    before = snapshot(obj)
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.full_clean()
    require_scope(actor, Action.CHANGE, obj.registered_at)
    obj.save(update_fields=list(changes) + ["updated_at"])
    audit_write(actor=actor, action="outside_unit.update", obj=obj, before=before, after=snapshot(obj))
    return obj
