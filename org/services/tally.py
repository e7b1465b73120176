"""The per-unit counter of current members (``OrgUnit.direct_members``), kept by the member services.

Every service that creates a member or changes a member's unit or status calls ``tally_shift`` inside its
own transaction with the members' (unit, status) before and after. The counter moves by deltas
(``direct_members = direct_members + d``), so two concurrent writers on one unit both count: the second
waits for the first's row lock and adds to the committed value. Rows are locked in unit-id order, so
writers touching several units do not deadlock on each other (a bulk writer, e.g. a roster import,
shifts once for its whole run).

Nothing else writes the counter (a plain ``OrgUnit.save()`` leaves it out); ``recount`` rebuilds it from
the member rows (``manage.py recount_members``).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from ..models import CURRENT_STATUSES, Member, OrgUnit

__all__ = ["counted_unit", "current_members_of_unit", "recount", "tally_shift"]

_CHUNK = 500


def counted_unit(unit_id, status) -> int | None:
    """The unit a member with this unit and status counts in, or None (not current, or held outside)."""
    return unit_id if unit_id and status in CURRENT_STATUSES else None


def tally_shift(*, before: Iterable[tuple] = (), after: Iterable[tuple] = ()) -> None:
    """Apply the change from the members' ``before`` (unit_id, status) pairs to their ``after`` pairs
    (a new member has no ``before``). Pairs that cancel out write nothing. A counter that would go below
    zero means a missed shift (a bug): the CHECK constraint refuses it and the caller's transaction fails."""
    deltas: Counter = Counter()
    for unit_id, status in before:
        key = counted_unit(unit_id, status)
        if key:
            deltas[key] -= 1
    for unit_id, status in after:
        key = counted_unit(unit_id, status)
        if key:
            deltas[key] += 1
    rows = sorted((unit_id, delta) for unit_id, delta in deltas.items() if delta)
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        ids = [unit_id for unit_id, _delta in chunk]
        # Lock in unit-id order first (a no-op on SQLite, which serialises writers anyway).
        # NO KEY UPDATE: the counter is not a key, so inserts of rows referencing these units (their foreign-key
        # checks take KEY SHARE) are not blocked by it.
        list(OrgUnit.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
             .values_list("pk", flat=True))
        delta = Case(*[When(pk=unit_id, then=Value(d)) for unit_id, d in chunk], output_field=IntegerField())
        OrgUnit.objects.filter(pk__in=ids).update(direct_members=F("direct_members") + delta)


def current_members_of_unit():
    """An expression for an OrgUnit queryset: the number of the unit's member rows with a current status,
    counted from the rows (what ``direct_members`` must equal)."""
    rows = (Member.objects.filter(unit_id=OuterRef("pk"), status__in=CURRENT_STATUSES).order_by()
            .values("unit_id").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows), 0)


@transaction.atomic
def recount(unit_ids: Iterable[int] | None = None) -> int:
    """Rebuild the counters from the member rows (all units, or ``unit_ids``); returns the number of units
    whose counter changed.

    On PostgreSQL the unit rows are locked first (member writers wait for them in ``tally_shift``), and
    the members are counted after that, so a member written by a transaction still in flight is added by
    its own shift once this one commits, never lost or counted twice."""
    units = OrgUnit.objects.all()
    if unit_ids is not None:
        units = units.filter(pk__in=sorted(set(unit_ids)))
    if connection.features.has_select_for_update:
        list(units.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
    actual = current_members_of_unit()
    return units.exclude(direct_members=actual).update(direct_members=actual)
