"""What the guarantee-system services share: loading rows fresh in scope, coded errors, one audit row."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from core.audit import audit_write, snapshot
from core.scoping import ScopeDenied, require_scope

__all__ = ["audit", "field_error", "load_for_update", "money", "require", "snapshot"]


def field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def require(actor, action: str, unit, *, department_id=None) -> None:
    """``require_scope`` on the unit as it is now in the database."""
    if unit is None:
        raise ScopeDenied(action)
    fresh = type(unit)._default_manager.filter(pk=unit.pk).first()
    require_scope(actor, action, fresh, department_id=department_id)


def load_for_update(model, obj, actor, action: str):
    """The row locked, if ``actor`` may ``action`` it; else ScopeDenied (looks missing)."""
    row = model.objects.for_user(actor, action).select_for_update(of=("self",)).filter(
        pk=getattr(obj, "pk", obj)).first()
    if row is None:
        raise ScopeDenied(action)
    return row


def money(value, field: str) -> Decimal:
    """A yuan amount as a Decimal with two places; a coded ValidationError otherwise."""
    from django.utils.translation import gettext as _

    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise field_error(field, _("Enter an amount in yuan."), "bad_amount") from None
    if amount < 0:
        raise field_error(field, _("An amount cannot be negative."), "negative")
    return amount


def audit(actor, action: str, obj, *, before=None, after=None, unit=None):
    return audit_write(actor=actor, action=f"resources.{action}", obj=obj, before=before,
                       after=after if after is not None else snapshot(obj), unit=unit)
