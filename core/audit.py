"""Writing audit rows. Services call ``audit_write`` once per mutation, inside their transaction."""
from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models

from .models import AuditLog
from .request_context import current_ip

# Field names whose values never go into the audit log in clear.
SENSITIVE_FIELDS = {"password", "id_number_encrypted", "id_number_hash", "phone_encrypted", "key"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (bytes, memoryview)):
        return "<binary>"
    return value


def snapshot(instance: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """A JSON-able dict of the concrete fields of ``instance`` (foreign keys as ids)."""
    if instance is None:
        return None
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in SENSITIVE_FIELDS:
            continue
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose values changed."""
    if not before or not after:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def follow_path(obj, path: str):
    """``obj.a.b`` for the path ``a__b`` (``""``: obj itself); None where a link is empty."""
    target = obj
    for part in path.split("__") if path else []:
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def unit_of(obj, path: str | None = None):
    """The unit a scoped record belongs to, following its model's (first) ``scope_unit_path`` (or
    ``path``); a unit is its own unit. None when the path is unset or broken."""
    if path is None:
        path = getattr(type(obj), "scope_unit_path", None)
        if path is None:
            return None
        path = path if isinstance(path, str) else path[0]
    return follow_path(obj, path)


def _unit_of(obj, unit):
    if unit is not None or obj is None:
        return unit
    return unit_of(obj)


def record(
    *,
    kind: str,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    unit=None,
    before: dict | None = None,
    after: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    actor_username: str = "",
) -> AuditLog:
    unit = _unit_of(obj, unit)
    entry = AuditLog(
        kind=kind,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=(getattr(actor, "username", "") or actor_username)[:150],
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None and obj.pk is not None else ""),
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        unit=unit,
        unit_tree_id=getattr(unit, "tree_id", None),
        unit_lft=getattr(unit, "lft", None),
        unit_rght=getattr(unit, "rght", None),
        before=before,
        after=after,
        ip=current_ip.get(),
    )
    entry.save()
    return entry


def audit_write(*, actor, action: str, obj: models.Model | None, before=None, after=None, unit=None) -> AuditLog:
    before, after = diff(before, after)
    return record(kind=AuditLog.Kind.WRITE, action=action, actor=actor, obj=obj, unit=unit, before=before, after=after)


def record_denial(user, model, lookup: dict, action: str) -> None:
    record(
        kind=AuditLog.Kind.DENIED,
        action=f"{model._meta.label_lower}.{action}",
        actor=user,
        object_type=model._meta.label_lower,
        object_id=str(lookup.get("pk", lookup.get("id", lookup)))[:64],
    )
