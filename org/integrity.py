"""Consistency check of the MPTT tree and the ancestor columns (tests, benchmarks, admins)."""
from __future__ import annotations

from collections import defaultdict

from django.db import models

from .choices import LEVEL_OF_KIND, Level
from .models import OrgUnit


def tree_problems(limit: int = 20) -> list[str]:
    """An empty list when every tree's ranges nest exactly, levels follow parents, and the
    ancestor columns name the right ancestors. Reads the table once."""
    rows = list(
        OrgUnit.objects.order_by("tree_id", "lft").values_list(
            "pk", "parent_id", "tree_id", "lft", "rght", "level", "kind", "street_anc_id", "community_anc_id", "compound_anc_id"
        )
    )
    problems: list[str] = []
    by_tree: dict[int, list] = defaultdict(list)
    for row in rows:
        by_tree[row[2]].append(row)
    for tree_id, tree_rows in by_tree.items():
        bounds = sorted([r[3] for r in tree_rows] + [r[4] for r in tree_rows])
        if bounds != list(range(1, 2 * len(tree_rows) + 1)):
            problems.append(f"tree {tree_id}: lft/rght are not exactly 1..{2 * len(tree_rows)}")
        stack: list[tuple] = []  # open ancestors
        for pk, parent_id, _t, lft, rght, level, kind, s_anc, c_anc, p_anc in tree_rows:
            while stack and stack[-1][4] < lft:
                stack.pop()
            expected_parent = stack[-1][0] if stack else None
            if parent_id != expected_parent:
                problems.append(f"unit {pk}: parent {parent_id} but its range lies directly under {expected_parent}")
            if level != len(stack):
                problems.append(f"unit {pk}: level {level} at depth {len(stack)}")
            if LEVEL_OF_KIND.get(kind) != level:
                problems.append(f"unit {pk}: kind {kind} at level {level}")
            chain = {r[5]: r[0] for r in stack}
            chain[level] = pk
            for col, lev, value in (("street_anc", Level.STREET, s_anc), ("community_anc", Level.COMMUNITY, c_anc),
                                    ("compound_anc", Level.COMPOUND, p_anc)):
                if chain.get(lev) != value:
                    problems.append(f"unit {pk}: {col} is {value}, expected {chain.get(lev)}")
            stack.append((pk, parent_id, _t, lft, rght, level))
            if len(problems) >= limit:
                return problems
    return problems


def member_count_problems(limit: int = 20) -> list[str]:
    """An empty list when every unit's counter of current members (``OrgUnit.direct_members``) equals the
    number of its member rows with a current status. One statement (one snapshot: a member write committing
    meanwhile cannot show up as drift)."""
    from .services.tally import current_members_of_unit

    rows = (OrgUnit.objects.annotate(actual=current_members_of_unit())
            .exclude(direct_members=models.F("actual")).order_by("pk")
            .values_list("pk", "direct_members", "actual")[:limit])
    return [f"unit {pk}: {stored} current members counted, {n} in the member rows" for pk, stored, n in rows]
