"""Writes of the time-limit table (days a case of a category has at a responsible level).

The table holds for every district of the deployment, so changing it is the district's: CHANGE over every
district root, checked fresh inside the transaction (liaison grants do not count)."""
from __future__ import annotations

from django.db import transaction

from core.audit import snapshot
from core.scoping import Action, ScopeDenied, require_scope
from org.models import OrgUnit

from ..models import TimeLimit
from .common import audit


def _require_every_district(actor) -> OrgUnit | None:
    """Raise ScopeDenied unless ``actor`` holds CHANGE over every district root; the first root (where
    the audit row is filed), None when there is no tree yet (then only a superuser passes)."""
    roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id"))
    if not roots and not getattr(actor, "is_superuser", False):
        raise ScopeDenied(Action.CHANGE)
    for root in roots:
        require_scope(actor, Action.CHANGE, root)
    return roots[0] if roots else None


@transaction.atomic
def time_limit_set(*, actor, category: str, level: str, days: int) -> TimeLimit:
    """Set the days of (category, level), creating the row when the level default applied so far."""
    root = _require_every_district(actor)
    limit = TimeLimit.objects.select_for_update().filter(category=category, level=level).first()
    before = snapshot(limit)
    if limit is None:
        limit = TimeLimit(category=category, level=level, days=days)
    elif limit.days == days:
        return limit
    limit.days = days
    limit.full_clean()
    if before is None:
        limit.save()
    else:
        limit.save(update_fields=["days"])
    _require_every_district(actor)
    audit(actor, "time_limit.set", limit, before=before, after=snapshot(limit), unit=root)
    return limit


@transaction.atomic
def time_limit_delete(*, actor, time_limit: TimeLimit) -> None:
    """Remove a row: cases of (category, level) get the level's default days again."""
    root = _require_every_district(actor)
    limit = TimeLimit.objects.select_for_update().filter(pk=time_limit.pk).first()
    if limit is None:
        return
    before, pk = snapshot(limit), limit.pk
    limit.delete()
    _require_every_district(actor)
    limit.pk = pk  # the audit row names the removed row
    audit(actor, "time_limit.delete", limit, before=before, after={}, unit=root)
