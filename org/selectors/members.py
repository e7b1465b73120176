"""Reads of members and their registrations, scoped to the user, each in a fixed number of queries.

Personal data in reads: rows carry ``id_number_masked`` / ``phone_masked`` (stored columns, no decryption).
``member_display`` adds ``can_reveal`` (the user holds REVEAL over the member's unit; the page then offers
the audited ``services.member_reveal_id``) and, only when asked with ``reveal=True`` by a caller that audits
the disclosure itself (the export), the plaintext for rows the user may reveal.
"""
from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.crypto import decrypt_pii
from core.scoping import Action, get_object_for_user, scope_nodes, subtree_q, unit_in_scope

from ..choices import Level, UnitKind
from ..models import (
    DualRegistration,
    Member,
    OrgUnit,
    OutsideUnitKind,
    PartTimeMember,
    RegistrationKind,
    Transfer,
    TransferBatch,
    TransferBatchState,
    TransferState,
)
from .tree import ANCESTOR_COLUMN

__all__ = [
    "AGE_BANDS", "dual_registration_list", "member_counts", "member_display", "member_get", "member_list",
    "member_subtree_count", "part_time_member_list", "transfer_batch_get", "transfer_batch_items", "transfer_batch_list",
    "transfer_list", "member_figures",
]

# Age bands for the list filter: key -> (min age inclusive, max age inclusive or None).
AGE_BANDS = {
    "under35": (0, 34),
    "35-45": (35, 45),
    "46-60": (46, 60),
    "over60": (61, None),
}


def _birth_range(band: str, today: date) -> Q:
    low, high = AGE_BANDS[band]

    def years_ago(n: int) -> date:
        try:
            return today.replace(year=today.year - n)
        except ValueError:  # 29 February
            return today.replace(year=today.year - n, day=28)

    # age >= low  <=> born on or before today - low years; age <= high <=> born after today - (high+1) years
    q = Q(birth_date__lte=years_ago(low))
    if high is not None:
        q &= Q(birth_date__gt=years_ago(high + 1))
    return q


def member_list(*, user, unit: OrgUnit | None = None, category=None, status=None, age_band=None, education=None,
                joined_year=None, search=None, action: str = Action.VIEW, current_only: bool = False):
    """Members in ``user``'s scope (optionally in ``unit``'s subtree), filtered. One query when evaluated
    (unit, residence and work unit joined)."""
    qs = Member.objects.for_user(user, action).select_related("unit", "residence", "work_unit")
    if unit is not None:
        qs = qs.in_subtree(unit)
    if current_only:
        qs = qs.current()
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if education:
        qs = qs.filter(education=education)
    if age_band in AGE_BANDS:
        qs = qs.filter(_birth_range(age_band, timezone.localdate()))
    if joined_year not in (None, ""):
        try:
            qs = qs.filter(joined_on__year=int(joined_year))
        except (TypeError, ValueError):
            qs = qs.none()
    if search:
        search = search.strip()
        from core.crypto import pii_hash
        from core.idcard import is_valid_id_number, normalize_id_number

        q = Q(name__icontains=search) | Q(unit__name__icontains=search)
        if is_valid_id_number(search):  # exact lookup by the keyed hash, never by plaintext
            q |= Q(id_number_hash=pii_hash(normalize_id_number(search)))
        elif search.isdigit() and len(search) == 11:
            q |= Q(phone_hash=pii_hash(search))
        qs = qs.filter(q)
    return qs.order_by("unit__tree_id", "unit__lft", "name", "pk")


def member_get(*, user, pk, action: str = Action.VIEW) -> Member:
    """One member in scope (404 otherwise), with memberships, registrations and transfers prefetched."""
    qs = Member.objects.select_related("unit", "residence", "work_unit", "outside_unit").prefetch_related(
        "memberships__unit", "dual_registrations__community", "transfers__to_unit", "transfers__from_unit",
        "transfers__events",
    )
    return get_object_for_user(qs, user, action, pk=pk)


def member_display(members, *, user, reveal: bool = False) -> list:
    """Annotate each member with ``can_reveal``, ``id_number_display`` and ``phone_display``.

    Masked unless ``reveal`` is set and the user holds REVEAL over the member's unit. No queries (the
    members' units must be loaded, as ``member_list`` does). Callers passing ``reveal=True`` audit it.
    """
    result = []
    for member in members:
        may = unit_in_scope(user, Action.REVEAL, member.unit) if member.unit_id else scope_nodes(user, Action.REVEAL) is None
        member.can_reveal = may
        if reveal and may:
            member.id_number_display = decrypt_pii(member.id_number_encrypted)
            member.phone_display = decrypt_pii(member.phone_encrypted) if member.phone_encrypted else ""
        else:
            member.id_number_display = member.id_number_masked
            member.phone_display = member.phone_masked
        result.append(member)
    return result


def member_counts(units: list[OrgUnit], *, current_only: bool = True) -> dict[int, int]:
    """Cumulative member counts (the unit's subtree, itself included) for each of ``units``. One query.

    Current members are summed from the per-unit counters the member services keep (``OrgUnit.direct_members``),
    over unit rows; ``current_only=False`` counts member rows instead. Units of one level group by the
    column that names their subtree at that level: ``tree_id`` for districts (one tree per district), the
    ancestor column for streets/communities/compounds (like ``children_with_counts``), the unit itself for
    buildings (leaves). A mixed list is counted with one conditional aggregate per unit, the scan restricted
    to the union of their MPTT ranges; still one query.
    """
    if not units:
        return {}
    if current_only:
        base, prefix, measure = OrgUnit.objects.all(), "", Sum("direct_members", default=0)
    else:
        base, prefix, measure = Member.objects.filter(unit__isnull=False), "unit__", Count("*")
    levels = {u.level for u in units}
    if len(levels) == 1:
        level = next(iter(levels))
        column = prefix + _MEMBER_GROUP_COLUMN[level]
        key = (lambda u: u.tree_id) if level == Level.DISTRICT else (lambda u: u.pk)
        rows = (base.filter(**{f"{column}__in": sorted({key(u) for u in units})})
                .values(column).annotate(n=measure).order_by())
        counts = {row[column]: row["n"] for row in rows}
        return {u.pk: counts.get(key(u), 0) for u in units}
    path = prefix.removesuffix("__")
    if current_only:
        aggregates = {f"u{u.pk}": Sum("direct_members", filter=subtree_q(u), default=0)
                      for u in units}
    else:
        aggregates = {f"u{u.pk}": Count("unit_id", filter=subtree_q(u, path)) for u in units}
    in_any = Q(pk__in=[])
    for u in units:
        in_any |= subtree_q(u, path)
    result = base.filter(in_any).aggregate(**aggregates)
    return {u.pk: result[f"u{u.pk}"] for u in units}


# The column of a member's unit that names the unit's subtree root at each level.
_MEMBER_GROUP_COLUMN = {Level.DISTRICT: "tree_id", **ANCESTOR_COLUMN, Level.BUILDING: "id"}


def member_subtree_count(unit: OrgUnit, *, current_only: bool = True) -> int:
    return member_counts([unit], current_only=current_only)[unit.pk]


def dual_registration_list(*, user, unit: OrgUnit | None = None, kind=None, current: bool = True):
    qs = DualRegistration.objects.for_user(user, Action.VIEW).select_related("member", "community")
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "community"))
    if current:
        qs = qs.current()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("community__lft", "member__name", "pk")


def part_time_member_list(*, user, unit: OrgUnit | None = None, current: bool = True):
    qs = PartTimeMember.objects.for_user(user, Action.VIEW).select_related("seat", "home_unit", "member")
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "seat"))
    if current:
        qs = qs.current()
    return qs.order_by("seat__lft", "person_name", "pk")


def transfer_list(*, user, state=None, member=None):
    """Transfers whose sending or receiving unit is in scope."""
    qs = Transfer.objects.for_user(user, Action.VIEW).select_related(
        "member", "from_unit", "from_outside", "to_unit", "batch")
    if state:
        qs = qs.filter(state=state)
    if member is not None:
        qs = qs.filter(member=member)
    return qs.order_by("-created_at", "-pk")


def _batches_seen_q(user) -> Q:
    """Batches a user sees: run by a unit in scope, or with an item the user sees (a receiving community
    sees the batches that bring members to it). Both through ``for_user``."""
    return (Q(pk__in=TransferBatch.objects.for_user(user, Action.VIEW).values("pk"))
            | Q(pk__in=Transfer.objects.for_user(user, Action.VIEW).filter(batch__isnull=False).values("batch_id")))


def transfer_batch_list(*, user, state=None):
    """Batches the user sees (``_batches_seen_q``) with their item count, newest first. Three queries a
    page whatever the number of batches or items."""
    qs = TransferBatch.objects.filter(_batches_seen_q(user))
    if state:
        qs = qs.filter(state=state)
    return (qs.select_related("source", "registered_at").annotate(items=Count("transfers"))
            .order_by("-created_at", "-pk"))


def transfer_batch_get(*, user, pk) -> TransferBatch:
    """One batch the user sees, else 404 (a batch out of scope is audited as a denial, like a missing id)."""
    qs = TransferBatch.objects.select_related("source", "registered_at", "created_by", "completed_by")
    if Transfer.objects.for_user(user, Action.VIEW).filter(batch_id=pk).exists():
        return qs.get(pk=pk)
    return get_object_for_user(qs, user, Action.VIEW, pk=pk)


def transfer_batch_items(*, user, batch: TransferBatch):
    """The items of ``batch`` the user sees: all of them for those who see the running unit, the ones
    sent to their units for a receiving side."""
    qs = Transfer.objects.filter(batch=batch)
    if not unit_in_scope(user, Action.VIEW, batch.registered_at):
        qs = qs.for_user(user, Action.VIEW)
    return qs.select_related("member", "to_unit").order_by("pk")


# -- figures ----------------------------------------------------------------------------------------

def _range(path: str, unit: OrgUnit) -> Q:
    return subtree_q(unit, path)


def member_figures(unit: OrgUnit) -> dict:
    """The org.* member figures over ``unit``'s subtree (itself included). Four queries, whatever the size.

    Batches count where their members went (a batch counts in every subtree that received one of its
    members), so that, with each demo batch going to one street, the district equals the sum of its streets.
    """
    today = timezone.localdate()
    urban_members = (Member.objects.current().filter(_range("unit", unit))
                     .filter(unit__community_anc__kind=UnitKind.COMMUNITY).count())
    part_time = PartTimeMember.objects.current(today).filter(_range("seat", unit)).count()
    regs = (DualRegistration.objects.current(today).filter(_range("community", unit))
            .aggregate(in_service=Count("id", filter=Q(kind=RegistrationKind.IN_SERVICE)),
                       retired=Count("id", filter=Q(kind=RegistrationKind.RETIRED))))
    moved = (Transfer.objects.filter(_range("to_unit", unit), state=TransferState.COMPLETED,
                                     batch__state=TransferBatchState.COMPLETED,
                                     batch__source__kind=OutsideUnitKind.SOE)
             .aggregate(batches=Count("batch", distinct=True),
                        retirees=Count("member", distinct=True, filter=Q(member__category="retired"))))
    return {
        "org.urban_members": urban_members,
        "org.part_time_members": part_time,
        "org.dual_registered_in_service": regs["in_service"],
        "org.dual_registered_retired": regs["retired"],
        "org.transfer_batches_soe": moved["batches"],
        "org.transferred_retired_members": moved["retirees"],
    }

