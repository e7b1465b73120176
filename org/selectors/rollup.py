"""The cockpit's roll-up: cumulative counts of every district, street/town and community/village at once.

One query whatever the size of the forest: the units in scope are grouped with ``GROUPING SETS`` over the
per-level ancestor columns (``tree_id`` for the district, ``street_anc``, ``community_anc``), each unit
carrying the number of current members attached to it (pre-aggregated per unit). No range join, no
per-unit query. A second query reads the grouped units themselves (code, name, kind, parent).

PostgreSQL only (GROUPING SETS); other databases fall back to one ``subtree_counts`` + ``member_counts``
per level (a few queries per level, still independent of the number of units per level).
"""
from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from core.scoping import Action, scope_sql

from ..choices import Level, UnitKind
from ..models import Member, OrgUnit
from ..models.members import CURRENT_STATUSES
from .tree import _UNIT_AGGREGATES, _empty_counts, _fold, finish_counts

__all__ = ["org_rollup"]

# Grouping key column (in org_orgunit) per level.
_KEY_COLUMN = {Level.DISTRICT: "tree_id", Level.STREET: "street_anc_id", Level.COMMUNITY: "community_anc_id",
               Level.COMPOUND: "compound_anc_id"}


def org_rollup(*, user, levels=(Level.DISTRICT, Level.STREET, Level.COMMUNITY), current_only: bool = True) -> list[dict]:
    """Every unit of ``levels`` in the user's view scope with its cumulative counts (its subtree, itself
    included): units by kind, party-organisation coverage (as ``subtree_counts``) and ``members``.

    Returns dicts ``{id, code, name, kind, level, parent_id, tree_id, counts}`` in tree order. Two queries
    (the units, the grouped counts; the latter after two ``SET LOCAL`` in its own transaction).
    """
    levels = sorted({int(level) for level in levels})
    scope = scope_sql(user, Action.VIEW, "u")
    if scope is None or not levels:
        return []
    scope_where, scope_params = scope
    units = list(
        OrgUnit.objects.for_user(user, Action.VIEW).filter(level__in=levels)
        .order_by("tree_id", "lft")
        .values("id", "code", "name", "kind", "level", "parent_id", "tree_id")
    )
    if not units:
        return []
    statuses = list(CURRENT_STATUSES) if current_only else None
    if connection.vendor == "postgresql":
        grouped = _grouped_postgres(levels, scope_where, scope_params, statuses)
    else:
        grouped = _grouped_portable(units, statuses)
    empty = _empty_counts()
    for unit in units:
        key = (unit["level"], unit["tree_id"] if unit["level"] == Level.DISTRICT else unit["id"])
        counts, members = grouped.get(key, (None, 0))
        counts = finish_counts(counts if counts else dict(empty))
        counts["members"] = members
        unit["counts"] = counts
    return units


def _grouped_postgres(levels, scope_where, scope_params, statuses) -> dict:
    unit_table = OrgUnit._meta.db_table
    member_table = Member._meta.db_table
    key_columns = [_KEY_COLUMN[level] for level in levels]
    inner_keys = ", ".join(f"u.{col}" for col in dict.fromkeys(["tree_id", "street_anc_id", "community_anc_id",
                                                                 *key_columns]))
    grouping = ", ".join(key_columns)
    sets = ", ".join(f"({col})" for col in key_columns)
    kinds = [kind.value for kind in UnitKind]
    per_kind = ", ".join(f"COUNT(*) FILTER (WHERE u.kind = '{k}') AS k_{k}" for k in kinds)
    sums = ", ".join(f"SUM(k_{k})::bigint" for k in kinds)
    unscoped = scope_where == "TRUE"
    from_counters = statuses is not None and list(statuses) == list(CURRENT_STATUSES)
    member_params: list = []
    if from_counters:  # current members: the per-unit counters the member services keep, on the unit rows
        members_sql, join_sql = "SUM(u.direct_members)", ""
    else:  # every member row (or other statuses): count them per unit (an index-only scan)
        member_filter = ""
        if statuses is not None:
            member_filter, member_params = "AND m.status = ANY(%s)", [list(statuses)]
        if not unscoped:  # a scoped user: count only the members of units in scope
            member_filter += f" AND m.unit_id IN (SELECT u.id FROM {unit_table} u WHERE {scope_where})"
            member_params = member_params + scope_params
        members_sql = "COALESCE(SUM(p.n), 0)"
        join_sql = (f"LEFT JOIN (SELECT m.unit_id, COUNT(*) AS n FROM {member_table} m "
                    f"WHERE m.unit_id IS NOT NULL {member_filter} GROUP BY m.unit_id) p ON p.unit_id = u.id")
    # Two stages: the units in scope (with their members) grouped by their ancestor tuple (one row per
    # community and above), with one column per kind; then GROUPING SETS over those ~20,000 rows for a
    # province.
    sql = f"""
        WITH per_ancestors AS (
            SELECT {inner_keys}, {per_kind},
                   COUNT(*) FILTER (WHERE u.kind = '{UnitKind.COMPOUND.value}' AND u.party_org_type <> '') AS compound_party,
                   COUNT(*) FILTER (WHERE u.kind = '{UnitKind.BUILDING.value}' AND u.party_org_type <> '') AS building_party,
                   {members_sql} AS members
              FROM {unit_table} u {join_sql}
             WHERE {scope_where}
             GROUP BY {inner_keys}
        )
        SELECT GROUPING({grouping}) AS g, {grouping}, {sums}, SUM(compound_party)::bigint, SUM(building_party)::bigint,
               SUM(members)::bigint
          FROM per_ancestors
         GROUP BY GROUPING SETS ({sets})
    """
    grouped: dict[tuple[int, int], tuple[dict, int]] = {}
    # GROUPING() has one bit per key column, the first column being the most significant; the column of
    # a row's grouping set is the one whose bit is 0.
    width = len(key_columns)
    bit_level = {((1 << width) - 1) ^ (1 << (width - 1 - i)): level for i, level in enumerate(levels)}
    with transaction.atomic(), connection.cursor() as cur:
        # Only for this transaction: the hash tables need ~60 MB at province scale (the default 4 MB
        # work_mem spills them to disk), and JIT compilation costs more than it saves here.
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute("SET LOCAL jit = off")
        if unscoped and from_counters:
            # The whole forest: every unit row (an index-only scan of ``orgunit_rollup``) split over
            # parallel workers, which web requests do not get by default (settings.DATABASES).
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 2")
        elif unscoped:
            # The whole forest counted from member rows: a serial merge join of the per-unit counts (in
            # unit order) with the units' primary key measured ~25% faster than the parallel hash plan.
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cur.execute("SET LOCAL enable_hashjoin = off")
        cur.execute(sql, member_params + scope_params)
        for row in cur.fetchall():
            level = bit_level[row[0]]
            key = row[1 + levels.index(level)]
            if key is None:  # rows above this level (e.g. the district itself in the street grouping)
                continue
            values = row[1 + width:]
            counts = dict(zip(kinds, values))
            counts["compound_party_orgs"] = values[len(kinds)]
            counts["building_party_groups"] = values[len(kinds) + 1]
            grouped[(level, key)] = (counts, values[len(kinds) + 2])
    return grouped


def _grouped_portable(units, statuses) -> dict:
    """Fallback without GROUPING SETS: one GROUP BY per level on the ancestor column (or tree_id), the
    current members summed from the per-unit counters in the same query (other statuses: one more)."""
    from django.db.models import Count

    grouped: dict[tuple[int, int], list] = defaultdict(lambda: [_empty_counts(), 0])
    by_level: dict[int, list[int]] = defaultdict(list)
    for u in units:
        by_level[u["level"]].append(u["tree_id"] if u["level"] == Level.DISTRICT else u["id"])
    from_counters = statuses is not None and list(statuses) == list(CURRENT_STATUSES)
    base = Member.objects.filter(unit__isnull=False)
    if statuses is not None:
        base = base.filter(status__in=statuses)
    for level, keys in by_level.items():
        col = "tree_id" if level == Level.DISTRICT else _KEY_COLUMN[level].removesuffix("_id")
        rows = (OrgUnit.objects.filter(**{f"{col}__in": keys}).values(col, "kind")
                .annotate(**_UNIT_AGGREGATES).order_by())
        for row in rows:
            counts = grouped[(level, row[col])][0]
            _fold(counts, row["kind"], row["n"], row["with_party"], row["members"])
            if from_counters:
                grouped[(level, row[col])][1] += row["members"]
        if not from_counters:
            for row in (base.filter(**{f"unit__{col}__in": keys}).values(f"unit__{col}")
                        .annotate(n=Count("id")).order_by()):
                grouped[(level, row[f"unit__{col}"])][1] += row["n"]
    return {k: (v[0], v[1]) for k, v in grouped.items()}
