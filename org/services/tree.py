"""Writes to the organisation tree. Every tree write goes through here.

django-mptt computes new ``lft``/``rght`` values from the in-memory parent; two processes inserting
at once would both read the same values and leave a corrupt tree. So each write first locks the root
row of its tree (``SELECT … FOR UPDATE``; on SQLite the write transaction is already exclusive), then
re-reads the rows it positions against, writes, re-checks the actor's scope on fresh rows inside the
transaction, and records one audit row.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from mptt.exceptions import InvalidMove

from core.audit import audit_write, snapshot
from core.concurrency import check_version
from core.scoping import Action, ScopeDenied, forget_scope, require_scope
from core.validators import check_record_date

from ..choices import LEVEL_OF_KIND, Level
from ..models import Grid, GridAssignment, NewDomainOrg, OrgUnit

UNIT_EDITABLE_FIELDS = [
    "code",
    "name",
    "kind",
    "party_org_type",
    "party_org_name",
    "party_org_founded",
    "party_secretary",
    "households",
    "address",
    "note",
]

_ROOT_LOCK_KEY = 0x5358_0001  # advisory lock key used when creating a new tree root


def _lock_tree(tree_id: int | None) -> None:
    """Serialise tree writes: lock the root row of the tree (or, for a new root, an advisory lock)."""
    if tree_id is None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_ROOT_LOCK_KEY])
        return
    list(OrgUnit.objects.select_for_update().filter(tree_id=tree_id, parent__isnull=True).values_list("pk"))


def _fresh(unit_id: int) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit_id)


_require = require_scope


def _recheck(actor, action: str, unit_id: int) -> OrgUnit:
    """After a write, re-read the unit and check the actor's scope again (fresh, in the database)."""
    forget_scope(actor)
    unit = _fresh(unit_id)
    require_scope(actor, action, unit)
    return unit


def _set_ancestor_columns(unit: OrgUnit, parent: OrgUnit | None) -> None:
    """Inherit the parent's ancestor columns; the unit's own level is set by ``_fix_self_ancestor``
    once the unit has a primary key."""
    unit.street_anc_id = parent.street_anc_id if parent else None
    unit.community_anc_id = parent.community_anc_id if parent else None
    unit.compound_anc_id = parent.compound_anc_id if parent else None


def _fix_self_ancestor(unit: OrgUnit) -> None:
    level = LEVEL_OF_KIND[unit.kind]
    field = {Level.STREET: "street_anc", Level.COMMUNITY: "community_anc", Level.COMPOUND: "compound_anc"}.get(level)
    if field and getattr(unit, f"{field}_id") != unit.pk:
        setattr(unit, f"{field}_id", unit.pk)
        OrgUnit.objects.filter(pk=unit.pk).update(**{f"{field}_id": unit.pk})


def _validate(unit: OrgUnit, exclude=None) -> None:
    unit.full_clean(exclude=exclude)


@transaction.atomic
def org_unit_create(*, actor, parent: OrgUnit | None, code: str, name: str, kind: str, **fields) -> OrgUnit:
    """Create a unit under ``parent`` (None only for a new district root, superusers only)."""
    if parent is None:
        if not getattr(actor, "is_superuser", False):
            raise ScopeDenied(Action.CHANGE)
        _lock_tree(None)
    else:
        _lock_tree(parent.tree_id)
        parent = _fresh(parent.pk)
        _require(actor, Action.CHANGE, parent)
    unknown = set(fields) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    unit = OrgUnit(parent=parent, code=(code or "").strip(), name=(name or "").strip(), kind=kind, **fields)
    _set_ancestor_columns(unit, parent)
    _validate(unit, exclude=["lft", "rght", "tree_id", "level"])
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise ValidationError({"code": _("This code is already used by another unit.")}) from exc
    _fix_self_ancestor(unit)
    unit = _recheck(actor, Action.CHANGE, unit.pk) if parent is not None else _fresh(unit.pk)
    audit_write(actor=actor, action="org_unit.create", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, version: str | None = None, **changes) -> OrgUnit:
    """Edit a unit's own fields (not its place in the tree: see ``org_unit_move``). ``version`` (as the
    editor read it) refuses a stale edit."""
    unknown = set(changes) - set(UNIT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _lock_tree(unit.tree_id)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    _require(actor, Action.CHANGE, unit)
    check_version(unit, version)
    before = snapshot(unit)
    if "kind" in changes and LEVEL_OF_KIND.get(changes["kind"]) != LEVEL_OF_KIND.get(unit.kind):
        raise ValidationError({"kind": _("The kind can change only within the same level (street ↔ town, community ↔ village).")})
    for field, value in changes.items():
        setattr(unit, field, value.strip() if isinstance(value, str) and field in ("code", "name") else value)
    _validate(unit)
    try:
        with transaction.atomic():
            unit.save(update_fields=[f for f in changes] + ["updated_at"])
    except IntegrityError as exc:
        raise ValidationError({"code": _("This code is already used by another unit.")}) from exc
    unit = _recheck(actor, Action.CHANGE, unit.pk)
    audit_write(actor=actor, action="org_unit.update", obj=unit, before=before, after=snapshot(unit))
    return unit


@transaction.atomic
def org_unit_move(*, actor, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    """Move ``unit`` with its subtree under ``new_parent``. The actor needs move scope on both."""
    _lock_tree(unit.tree_id)
    if new_parent.tree_id != unit.tree_id:
        _lock_tree(new_parent.tree_id)
    unit = _fresh(unit.pk)
    new_parent = _fresh(new_parent.pk)
    _require(actor, Action.MOVE, unit)
    _require(actor, Action.MOVE, new_parent)
    if unit.parent_id is None:
        raise ValidationError({"parent": _("The district committee cannot be moved.")})
    before = snapshot(unit)
    unit.parent = new_parent
    _validate(unit, exclude=["lft", "rght", "tree_id", "level"])
    try:
        unit.move_to(new_parent, "last-child")
    except InvalidMove as exc:
        raise ValidationError({"parent": _("A unit cannot be moved under its own descendant.")}) from exc
    # MPTT keeps siblings ordered by code; rebuilding the sibling order is not needed for correctness.
    unit = _fresh(unit.pk)
    updates = {
        "street_anc_id": new_parent.street_anc_id,
        "community_anc_id": new_parent.community_anc_id,
        "compound_anc_id": new_parent.compound_anc_id,
    }
    level = LEVEL_OF_KIND[unit.kind]
    # Only the columns of strict ancestors change; those at the unit's own level or deeper stay.
    depth_of = {"street_anc_id": Level.STREET, "community_anc_id": Level.COMMUNITY, "compound_anc_id": Level.COMPOUND}
    updates = {k: v for k, v in updates.items() if depth_of[k] < level}
    if updates:
        OrgUnit.objects.subtree_of(unit).update(**updates)
    unit = _recheck(actor, Action.MOVE, unit.pk)
    audit_write(actor=actor, action="org_unit.move", obj=unit, before=before, after=snapshot(unit))
    return unit


@transaction.atomic
def org_unit_delete(*, actor, unit: OrgUnit) -> None:
    """Delete a unit that has no children and nothing attached to it."""
    _lock_tree(unit.tree_id)
    unit = _fresh(unit.pk)
    _require(actor, Action.DELETE, unit)
    if unit.parent_id is None:
        raise ValidationError(_("The district committee cannot be deleted."))
    if not unit.is_leaf_node():
        raise ValidationError(_("A unit with subordinate units cannot be deleted; move or delete them first."))
    before = snapshot(unit)
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError as exc:
        raise ValidationError(_("This unit still has records attached to it and cannot be deleted.")) from exc
    audit_write(actor=actor, action="org_unit.delete", obj=None, unit=unit.parent, before=before)


# -- grids and new-domain organisations ---------------------------------------------------------

def _save_scoped(actor, obj, unit: OrgUnit, action_name: str, before=None, update_fields=None):
    _require(actor, Action.CHANGE, unit)
    obj.full_clean()
    obj.save(update_fields=update_fields)
    audit_write(actor=actor, action=action_name, obj=obj, before=before, after=snapshot(obj))
    return obj


@transaction.atomic
def grid_create(*, actor, community: OrgUnit, code: str, name: str, note: str = "") -> Grid:
    grid = Grid(community=_fresh(community.pk), code=code.strip(), name=name.strip(), note=note)
    return _save_scoped(actor, grid, grid.community, "grid.create")


@transaction.atomic
def grid_assignment_create(*, actor, grid: Grid, person_name: str = "", valid_from, role: str = "grid_worker",
                           user=None, phone: str = "", valid_to=None, member=None, building=None) -> GridAssignment:
    """Put a person on a grid from ``valid_from``: a user account (grid worker), a party member picked from
    the member records (building lead, volunteer; the name is copied from the record), or a name. The
    grid's community is in the actor's CHANGE scope; a member must be in their VIEW scope; a building or
    compound led lies in the grid's community."""
    from ..models import Member

    grid = Grid.objects.select_for_update(of=("self",)).select_related("community").get(pk=grid.pk)
    _require(actor, Action.CHANGE, grid.community)
    if member is not None:
        member = Member.objects.for_user(actor, Action.VIEW).filter(pk=getattr(member, "pk", member)).first()
        if member is None:
            raise ValidationError({"member": ValidationError(_("No member in your scope matches."), code="not_found")})
        person_name = member.name
    elif user is not None and not (person_name or "").strip():
        person_name = user.full_name or user.username
    if building is not None:
        building = _fresh(building.pk)
        if LEVEL_OF_KIND.get(building.kind) not in (Level.COMPOUND, Level.BUILDING) or not (
                building.tree_id == grid.community.tree_id and grid.community.lft < building.lft < grid.community.rght):
            raise ValidationError({"building": ValidationError(
                _("Choose a compound or building of the grid's community."), code="outside_grid")})
    if valid_from is not None:
        check_record_date(valid_from, "valid_from")
    assignment = GridAssignment(
        grid=grid, person_name=(person_name or "").strip(), role=role, user=user, phone=phone,
        valid_from=valid_from, valid_to=valid_to, member=member, building=building,
    )
    _save_scoped(actor, assignment, grid.community, "grid_assignment.create")
    _recheck(actor, Action.CHANGE, grid.community_id)
    return assignment


@transaction.atomic
def new_domain_org_create(*, actor, unit: OrgUnit, kind: str, code: str, name: str, **fields) -> NewDomainOrg:
    org = NewDomainOrg(unit=_fresh(unit.pk), kind=kind, code=code.strip(), name=name.strip(), **fields)
    return _save_scoped(actor, org, org.unit, "new_domain_org.create")


@transaction.atomic
def new_domain_org_update(*, actor, org: NewDomainOrg, **changes) -> NewDomainOrg:
    """Edit a current new-domain organisation (an ended one is history; ending is ``new_domain_org_end``)."""
    if {"ended_on", "end_reason"} & set(changes):
        raise TypeError("ended_on / end_reason change only through new_domain_org_end")
    org = NewDomainOrg.objects.select_for_update().select_related("unit").get(pk=org.pk)
    _require(actor, Action.CHANGE, org.unit)
    if org.ended_on is not None:
        raise ValidationError(ValidationError(_("This organisation has ended and can no longer be edited."),
                                              code="ended"))
    before = snapshot(org)
    for field, value in changes.items():
        setattr(org, field, value)
    if "unit" in changes:
        org.unit = _fresh(changes["unit"].pk)
    return _save_scoped(actor, org, org.unit, "new_domain_org.update", before=before)


@transaction.atomic
def new_domain_org_end(*, actor, org: NewDomainOrg, ended_on, reason: str) -> NewDomainOrg:
    """End a new-domain organisation (dissolved, merged, the enterprise closed): the row stays as history
    and drops out of the current counts and coverage. Not in the future, not before it was founded."""
    org = NewDomainOrg.objects.select_for_update().select_related("unit").get(pk=org.pk)
    _require(actor, Action.CHANGE, org.unit)
    if org.ended_on is not None:
        raise ValidationError(ValidationError(_("This organisation has already ended."), code="already_ended"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give the reason for ending."), code="required")})
    if ended_on is None:
        raise ValidationError({"ended_on": ValidationError(_("Give the date it ended."), code="required")})
    check_record_date(ended_on, "ended_on", latest=timezone.localdate())
    if org.party_org_founded and ended_on < org.party_org_founded:
        raise ValidationError({"ended_on": ValidationError(
            _("It cannot end before its party organisation was founded (%(date)s)."), code="before_founded",
            params={"date": org.party_org_founded.isoformat()})})
    before = snapshot(org)
    org.ended_on, org.end_reason = ended_on, reason
    org.full_clean()
    org.save(update_fields=["ended_on", "end_reason", "updated_at"])
    _recheck(actor, Action.CHANGE, org.unit_id)
    audit_write(actor=actor, action="new_domain_org.end", obj=org, before=before, after=snapshot(org))
    return org
