"""Reads of grids (网格): the list in scope (a grid worker sees the grids of the community where they hold
their role, ``mine`` narrows to the grids they are assigned to), one grid's page (its compounds and
buildings, people, matters, visits and open cases), and the catalogue of matters."""
from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.scoping import Action, subtree_q

from ..models import Grid, GridAssignment, GridMatter, OrgUnit

__all__ = [
    "grid_assignments", "grid_cases", "grid_list", "grid_matter_choices", "grid_matter_list", "grid_prefetch_people",
    "grid_unit_choices", "grid_units", "grid_visits",
]


def _current_q(day) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def grid_list(*, user, action: str = Action.VIEW, mine: bool = False):
    """Grids in scope with their community, the number of people on them today and of their matters."""
    today = timezone.localdate()
    people = (GridAssignment.objects.filter(_current_q(today), grid=OuterRef("pk")).order_by()
              .values("grid").annotate(n=Count("pk")).values("n")[:1])
    matters = (GridMatter.grids.through.objects.filter(grid=OuterRef("pk")).order_by()
               .values("grid").annotate(n=Count("pk")).values("n")[:1])
    qs = (Grid.objects.for_user(user, action, by_ids=True).select_related("community")
          .annotate(people=Coalesce(Subquery(people, output_field=IntegerField()), 0),
                    matter_count=Coalesce(Subquery(matters, output_field=IntegerField()), 0)))
    if mine:
        qs = qs.filter(pk__in=GridAssignment.objects.filter(_current_q(today), user_id=user.pk).values("grid_id"))
    return qs.order_by("community__code", "code")


def grid_assignments(grid):
    """Everyone ever on the grid, current first (one query)."""
    return (GridAssignment.objects.filter(grid=grid).select_related("member", "building", "user")
            .order_by("valid_to", "role", "person_name", "pk"))


def grid_units(grid):
    return list(grid.units.order_by("tree_id", "lft"))


def _units_q(units, path: str) -> Q | None:
    if not units:
        return None
    q = Q(pk__in=[])
    for unit in units:
        q |= subtree_q(unit, path)
    return q


def grid_visits(*, user, units, limit: int = 20):
    """Weekly visit records in scope at the grid's compounds and buildings (and below), newest first."""
    from supervision.models import VisitRecord

    q = _units_q(units, "place")
    if q is None:
        return []
    return list(VisitRecord.objects.for_user(user, Action.VIEW).filter(q).select_related("place", "cadre")
                .order_by("-visited_on", "-pk")[:limit])


def grid_cases(*, user, units, limit: int = 50):
    """Open cases in scope at the grid's compounds and buildings (and below), oldest due first."""
    from supervision.choices import OPEN_STATES
    from supervision.models import Case

    q = _units_q(units, "unit")
    if q is None:
        return []
    return list(Case.objects.for_user(user, Action.VIEW).filter(q, state__in=OPEN_STATES).select_related("unit")
                .order_by("due_on", "pk")[:limit])


def grid_matter_list(*, user):
    """The catalogue a user may use (kept above them or in their scope), with the number of grids in scope
    that handle each matter."""
    grids = Grid.objects.for_user(user, Action.VIEW).values("pk")
    return (GridMatter.objects.pickable_by(user, active_only=False).select_related("registered_at", "department")
            .annotate(grid_count=Count("grids", filter=Q(grids__in=grids), distinct=True))
            .order_by("sort_order", "code"))


def grid_matter_choices(*, user):
    return GridMatter.objects.pickable_by(user)


def grid_unit_choices(grid):
    """The compounds and buildings of the grid's community, in tree order."""
    c = grid.community
    return OrgUnit.objects.filter(tree_id=c.tree_id, lft__gt=c.lft, rght__lt=c.rght).order_by("lft")


def grid_prefetch_people():
    today = timezone.localdate()
    return Prefetch("assignments", queryset=GridAssignment.objects.filter(_current_q(today)).order_by("role"),
                    to_attr="current_people")
