"""Reads of the organisation tree, scoped to the user. Each runs a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, Sum

from core.scoping import Action, scope_nodes, subtree_q

from ..choices import Level, NewDomainKind, UnitKind
from ..models import NewDomainOrg, OrgUnit

# The ancestor column that groups a subtree by its root at each level.
ANCESTOR_COLUMN = {Level.STREET: "street_anc", Level.COMMUNITY: "community_anc", Level.COMPOUND: "compound_anc"}


def org_unit_list(*, user, action: str = Action.VIEW, parent=None, level=None, kind=None, code=None, search=None):
    qs = OrgUnit.objects.for_user(user, action)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if level not in (None, ""):
        qs = qs.filter(level=int(level))
    if kind:
        qs = qs.filter(kind=kind)
    if code:
        qs = qs.filter(code=code)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.order_by("tree_id", "lft")


def scope_roots(*, user) -> list[OrgUnit]:
    """The top units of the user's view scope (the whole forest for superusers)."""
    nodes = scope_nodes(user, Action.VIEW)
    if nodes is None:
        return list(OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id"))
    if not nodes:
        return []
    return list(OrgUnit.objects.filter(pk__in=[n.unit_id for n in nodes]).order_by("tree_id", "lft"))


def _empty_counts() -> dict:
    counts = {kind.value: 0 for kind in UnitKind}
    counts.update(compound_party_orgs=0, building_party_groups=0, members=0)
    return counts


# Per group of units: how many, how many with a party organisation, and their current members (the
# counters on the unit rows kept by the member services, ``OrgUnit.direct_members``).
_UNIT_AGGREGATES = dict(
    n=Count("id"),
    with_party=Count("id", filter=~Q(party_org_type="")),
    members=Sum("direct_members", default=0),
)


def _fold(counts: dict, kind: str, n: int, with_party: int, members: int = 0) -> None:
    counts[kind] = counts.get(kind, 0) + n
    counts["members"] += members or 0
    if kind == UnitKind.COMPOUND:
        counts["compound_party_orgs"] += with_party
    elif kind == UnitKind.BUILDING:
        counts["building_party_groups"] += with_party


def finish_counts(counts: dict) -> dict:
    counts["streets_and_towns"] = counts[UnitKind.STREET] + counts[UnitKind.TOWN]
    counts["communities_and_villages"] = counts[UnitKind.COMMUNITY] + counts[UnitKind.VILLAGE]
    compounds = counts[UnitKind.COMPOUND]
    buildings = counts[UnitKind.BUILDING]
    counts["compound_coverage_pct"] = round(counts["compound_party_orgs"] * 100 / compounds, 1) if compounds else None
    counts["building_coverage_pct"] = (
        round(counts["building_party_groups"] * 100 / buildings, 1) if buildings else None
    )
    return counts


def subtree_counts(unit: OrgUnit, include_self: bool = True) -> dict:
    """Cumulative counts by kind in ``unit``'s subtree, with party-organisation coverage and ``members``
    (current members). One query over the subtree's range."""
    counts = _empty_counts()
    rows = OrgUnit.objects.subtree_of(unit, include_self=include_self).values("kind").annotate(
        **_UNIT_AGGREGATES).order_by()
    for row in rows:
        _fold(counts, row["kind"], row["n"], row["with_party"], row["members"])
    return finish_counts(counts)


def new_domain_counts(unit: OrgUnit) -> dict:
    """Current new-domain party organisations attached within ``unit``'s subtree, by kind (ended ones are
    history and do not count). One query."""
    counts = {kind.value: 0 for kind in NewDomainKind}
    rows = (
        NewDomainOrg.objects.filter(subtree_q(unit, "unit"), ended_on__isnull=True)
        .exclude(party_org_type="")
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["kind"]] = row["n"]
    return counts


def children_with_counts(unit: OrgUnit) -> list[OrgUnit]:
    """``unit``'s children, each with ``.counts`` (cumulative, self included, members too) and
    ``.member_count``. Two queries whatever the tree's size: the children, and one GROUP BY over the
    ancestor column of the children's level (for buildings, the leaves, the children themselves)."""
    children = list(unit.get_children().order_by("code"))
    if not children:
        return children
    by_child: dict[int, dict] = defaultdict(_empty_counts)
    column = ANCESTOR_COLUMN.get(unit.level + 1)
    if column is None:  # buildings are leaves: their rows are their counts (no second query)
        for child in children:
            _fold(by_child[child.pk], child.kind, 1, 1 if child.party_org_type else 0, child.direct_members)
    else:
        rows = (
            OrgUnit.objects.filter(**{f"{column}__in": [c.pk for c in children]})
            .values(column, "kind")
            .annotate(**_UNIT_AGGREGATES)
            .order_by()
        )
        for row in rows:
            _fold(by_child[row[column]], row["kind"], row["n"], row["with_party"], row["members"])
    for child in children:
        child.counts = finish_counts(by_child[child.pk])
        child.member_count = child.counts["members"]
    return children


def unit_summary(unit: OrgUnit) -> tuple[dict, list[OrgUnit]]:
    """``(subtree_counts(unit), children_with_counts(unit))`` in the queries of the latter alone: the
    subtree is the unit itself plus its children's subtrees, whose counts are already grouped."""
    children = children_with_counts(unit)
    counts = _empty_counts()
    _fold(counts, unit.kind, 1, 1 if unit.party_org_type else 0, unit.direct_members)
    for child in children:
        for key in counts:
            counts[key] += child.counts[key]
    return finish_counts(counts), children


def breadcrumbs(*, user, unit: OrgUnit) -> list[tuple[OrgUnit, bool]]:
    """Ancestors of ``unit`` (root first) with whether the user may open each. One query."""
    from core.scoping import unit_in_scope

    return [(a, unit_in_scope(user, Action.VIEW, a)) for a in unit.get_ancestors(include_self=False)]


def outside_unit_choices(*, user, kind=None):
    """Outside units a user may pick (``OutsideUnitQuerySet.pickable_by``), optionally of one kind."""
    from ..models import OutsideUnit

    qs = OutsideUnit.objects.pickable_by(user)
    return qs.filter(kind=kind) if kind else qs
