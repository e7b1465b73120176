"""The figures of shared/figures.md, computed from records over a unit's subtree."""
from __future__ import annotations

import json

from .registry import figure_functions


def compute_figures(unit, year: int | None = None) -> dict:
    """All keys every app can compute, for ``unit``'s subtree (the unit included)."""
    result: dict = {}
    for fn in figure_functions():
        result.update(fn(unit, year))
    return dict(sorted(result.items()))


def figures_json(unit, year: int | None = None) -> str:
    """The JSON both ``manage.py figures --json`` and ``GET /api/figures/`` answer: one serialisation."""
    return json.dumps(compute_figures(unit, year), ensure_ascii=False, sort_keys=True)


def pct(part, whole, digits: int = 1):
    return round(part * 100 / whole, digits) if whole else None
