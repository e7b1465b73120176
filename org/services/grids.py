"""Writes of grids beyond creating them and putting people on them (``org.services.tree``): editing a
grid (its name, its compounds and buildings, its matters), ending an assignment, and the catalogue of
matters handled in grids (入格事项). One transaction, scope checked fresh before and after, one audit row."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_write, snapshot
from core.scoping import Action, recheck_scope, require_scope

from ..choices import LEVEL_OF_KIND, Level
from ..models import Grid, GridAssignment, GridMatter, OrgUnit, OutsideUnit

__all__ = ["GRID_FIELDS", "MATTER_FIELDS", "grid_assignment_end", "grid_matter_create", "grid_matter_update", "grid_update"]

GRID_FIELDS = ("name", "note")
MATTER_FIELDS = ("name", "description", "department", "sort_order", "is_active")


def _error(field, message, code):
    return ValidationError({field: ValidationError(message, code=code)})


def _grid_snapshot(grid: Grid) -> dict:
    data = snapshot(grid)
    data["units"] = sorted(grid.units.values_list("pk", flat=True))
    data["matters"] = sorted(grid.matters.values_list("pk", flat=True))
    return data


@transaction.atomic
def grid_update(*, actor, grid: Grid, units=None, matters=None, **changes) -> Grid:
    """Edit a grid: ``name``/``note``; ``units`` (compounds and buildings of its community) and ``matters``
    (from the catalogue the actor may pick) replace the current ones when given."""
    unknown = set(changes) - set(GRID_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    grid = Grid.objects.select_for_update(of=("self",)).select_related("community").get(pk=grid.pk)
    require_scope(actor, Action.CHANGE, grid.community)
    before = _grid_snapshot(grid)
    for field, value in changes.items():
        setattr(grid, field, value.strip() if isinstance(value, str) else value)
    grid.full_clean()
    grid.save(update_fields=[*changes, "updated_at"])
    if units is not None:
        ids = {getattr(u, "pk", u) for u in units}
        c = grid.community
        found = list(OrgUnit.objects.filter(pk__in=ids, tree_id=c.tree_id, lft__gt=c.lft, rght__lt=c.rght,
                                            level__in=(Level.COMPOUND, Level.BUILDING)))
        if len(found) != len(ids):
            raise _error("units", _("Choose compounds and buildings of the grid's community."), "outside_grid")
        grid.units.set(found)
    if matters is not None:
        ids = {getattr(m, "pk", m) for m in matters}
        found = list(GridMatter.objects.pickable_by(actor).filter(pk__in=ids))
        if len(found) != len(ids):
            raise _error("matters", _("Choose active matters of the catalogue."), "not_found")
        grid.matters.set(found)
    recheck_scope(actor, Action.CHANGE, unit_id=grid.community_id)
    audit_write(actor=actor, action="grid.update", obj=grid, before=before, after=_grid_snapshot(grid))
    return grid


@transaction.atomic
def grid_assignment_end(*, actor, assignment: GridAssignment, valid_to=None) -> GridAssignment:
    """The person leaves the grid on ``valid_to`` (today by default; the last day on the grid)."""
    obj = (GridAssignment.objects.select_for_update(of=("self",)).select_related("grid__community")
           .get(pk=getattr(assignment, "pk", assignment)))
    require_scope(actor, Action.CHANGE, obj.grid.community)
    day = valid_to or timezone.localdate()
    if obj.valid_to is not None and obj.valid_to < day:
        raise ValidationError(_("This assignment has already ended."), code="ended")
    if day < obj.valid_from:
        raise _error("valid_to", _("The end date is before the start date."), "date_order")
    before = snapshot(obj)
    obj.valid_to = day
    obj.full_clean()
    obj.save(update_fields=["valid_to"])
    recheck_scope(actor, Action.CHANGE, unit_id=obj.grid.community_id)
    audit_write(actor=actor, action="grid_assignment.end", obj=obj, before=before, after=snapshot(obj))
    return obj


def _department(actor, department):
    if department is None:
        return None
    found = OutsideUnit.objects.pickable_by(actor).filter(pk=getattr(department, "pk", department)).first()
    if found is None:
        raise _error("department", _("No such unit among those you may pick."), "not_found")
    return found


@transaction.atomic
def grid_matter_create(*, actor, registered_at: OrgUnit, code: str, name: str, description: str = "",
                       department=None, sort_order: int = 0) -> GridMatter:
    """A matter of the catalogue, kept at a district or street (CHANGE over it); communities attach the
    matters kept above them to their grids."""
    unit = OrgUnit.objects.get(pk=registered_at.pk)
    require_scope(actor, Action.CHANGE, unit)
    if LEVEL_OF_KIND.get(unit.kind) not in (Level.DISTRICT, Level.STREET):
        raise _error("registered_at", _("The catalogue is kept by the district or a street."), "bad_level")
    matter = GridMatter(registered_at=unit, code=(code or "").strip(), name=(name or "").strip(),
                        description=description or "", department=_department(actor, department),
                        sort_order=sort_order or 0)
    matter.full_clean()
    matter.save()
    recheck_scope(actor, Action.CHANGE, unit_id=matter.registered_at_id)
    audit_write(actor=actor, action="grid_matter.create", obj=matter, after=snapshot(matter))
    return matter


@transaction.atomic
def grid_matter_update(*, actor, matter: GridMatter, **changes) -> GridMatter:
    """Edit a matter of the catalogue; ``is_active=False`` withdraws it from new choices (grids keep it)."""
    unknown = set(changes) - set(MATTER_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    obj = (GridMatter.objects.select_for_update(of=("self",)).select_related("registered_at")
           .get(pk=getattr(matter, "pk", matter)))
    require_scope(actor, Action.CHANGE, obj.registered_at)
    before = snapshot(obj)
    if "department" in changes:
        changes["department"] = _department(actor, changes["department"])
    for field, value in changes.items():
        setattr(obj, field, value.strip() if isinstance(value, str) and field == "name" else value)
    obj.full_clean()
    obj.save(update_fields=[*changes, "updated_at"])
    recheck_scope(actor, Action.CHANGE, unit_id=obj.registered_at_id)
    audit_write(actor=actor, action="grid_matter.update", obj=obj, before=before, after=snapshot(obj))
    return obj
