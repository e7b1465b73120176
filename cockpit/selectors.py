"""Reads of the cockpit: the figures of a unit's subtree (``core.figures.compute_figures``, the very code
of ``manage.py figures``), grouped by system, with the previous year's values, the drill-down children
and the charts' data. The unit is always fetched in the user's scope first (``unit_for``: 404 otherwise).

Query counts (asserted independent of the data size in tests/cockpit/test_cockpit.py): one
``compute_figures`` per unit and year (every app's ``compute``: ~45 queries with the five apps), the child
table the org and supervision ``compute`` per child (a district has ~14 streets, a street ~15
communities), the monthly series 1, the visit coverage 2.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.figures import compute_figures
from core.figures import figures_json as core_figures_json
from core.scoping import Action, get_object_for_user, subtree_q
from org.choices import Level
from org.models import OrgUnit
from org.selectors import scope_roots
from supervision.choices import DONE_STATES, CaseState
from supervision.models import Case, VisitRecord

from .labels import LABELS, OTHER, SYSTEMS, label, system_of

MIN_YEAR, MAX_YEAR = 2000, 2100
# Drill-down goes from the district to its streets, then to a street's communities.
DRILL_LEVELS = (Level.DISTRICT, Level.STREET)
ANCESTOR_OF_LEVEL = {Level.STREET: "street_anc", Level.COMMUNITY: "community_anc"}
# The child table: the apps whose figures it shows per child (each app's ``compute`` per child is the
# cost: org and supervision together run about 12 queries a child) and its columns.
CHILD_APPS = ("org", "supervision")
CHILD_COLUMNS = (
    "org.communities", "org.compound_coverage_pct", "org.urban_members", "org.part_time_members",
    "supervision.cases_resolved",
)


# -- units ------------------------------------------------------------------------------------------

def roots_for(*, user) -> list[OrgUnit]:
    """The top units of the user's view scope (every tree root for a superuser)."""
    return scope_roots(user=user)


def unit_for(*, user, code: str) -> OrgUnit:
    """The unit with ``code`` if the user may view it; 404 for a missing code and one out of scope alike."""
    return get_object_for_user(OrgUnit, user, Action.VIEW, code=code)


def drill_children(unit: OrgUnit) -> list[OrgUnit]:
    """The units one level down that the cockpit drills into (streets of a district, communities of a
    street); none below a community. Everything under a unit in scope is in scope."""
    if unit.level not in DRILL_LEVELS:
        return []
    return list(unit.get_children().order_by("code"))


def breadcrumbs(*, user, unit: OrgUnit) -> list[OrgUnit]:
    """The ancestors of ``unit`` the user may open (root first), then ``unit``. One query."""
    from core.scoping import unit_in_scope

    return [a for a in unit.get_ancestors() if unit_in_scope(user, Action.VIEW, a)] + [unit]


# -- figures ----------------------------------------------------------------------------------------

def figures_for(unit: OrgUnit, year: int) -> dict:
    """Exactly ``manage.py figures --unit CODE --year YEAR``'s object."""
    return compute_figures(unit, year)


def figures_json(unit: OrgUnit, year: int) -> str:
    """``manage.py figures --json``'s output for the same arguments, byte for byte (one serialisation)."""
    return core_figures_json(unit, year)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def change(value, previous):
    if not (_number(value) and _number(previous)):
        return None
    diff = value - previous
    return round(diff, 1) if isinstance(diff, float) else diff


def _link_params(unit, year) -> dict:
    y0, y1 = dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
    return {
        "org.urban_members": ("org:member_list", {"unit": unit.code}),
        "org.part_time_members": ("org:part_time_member_list", {"unit": unit.code}),
        "org.dual_registered_in_service": ("org:dual_registration_list", {"unit": unit.code, "kind": "in_service"}),
        "org.dual_registered_retired": ("org:dual_registration_list", {"unit": unit.code, "kind": "retired"}),
        "org.transfer_batches_soe": ("org:transfer_batch_list", {}),
        "org.streets": ("org:orgunit_detail", None),
        "org.communities": ("org:orgunit_detail", None),
        "org.compounds": ("org:orgunit_detail", None),
        "org.buildings": ("org:orgunit_detail", None),
        "supervision.cases_resolved": ("supervision:case_list", {"unit": unit.code, "state": CaseState.RESOLVED}),
        "supervision.delegated_service_items": ("supervision:delegated_item_list", {}),
        "supervision.key_tasks": ("supervision:task_list", {"year": year}),
        "supervision.task_areas": ("supervision:task_list", {"year": year}),
        "visits": ("supervision:visit_coverage", {"unit": unit.code, "date_from": y0, "date_to": y1}),
    }


def link_for(key: str, unit: OrgUnit, year: int) -> str | None:
    """The list page filtered to the records ``key`` counts, where such a list exists."""
    target = _link_params(unit, year).get(key)
    if target is None:
        return None
    name, params = target
    try:
        if params is None:
            return reverse(name, args=[unit.pk])
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


def grouped(current: dict, previous: dict, *, unit: OrgUnit, year: int) -> list[dict]:
    """The keys of ``current`` by system (the article's order, then any other prefix): each row with its
    label, value, previous year's value, change and link."""
    sections = {code: {"system": code, "label": text, "rows": []} for code, text in SYSTEMS}
    sections[OTHER] = {"system": OTHER, "label": OTHER, "rows": []}
    for key, value in current.items():
        prev = previous.get(key)
        sections[system_of(key)]["rows"].append({
            "key": key, "label": label(key), "value": value, "previous": prev, "change": change(value, prev),
            "link": link_for(key, unit, year),
        })
    order = {key: n for n, key in enumerate(LABELS)}  # shared/figures.md's order, then new keys by name
    for section in sections.values():
        section["rows"].sort(key=lambda r: (order.get(r["key"], len(order)), r["key"]))
    return [s for s in sections.values() if s["rows"]]


def _figure_functions(apps: tuple[str, ...]):
    """The ``compute`` functions of the named apps' figures modules: the very functions
    ``compute_figures`` merges (core.registry), so a child's value is exactly its ``figures --json``."""
    from core.registry import app_modules

    return [m.compute for m in app_modules("figures") if m.__name__.split(".")[0] in apps and hasattr(m, "compute")]


def child_table(children: list[OrgUnit], year: int) -> tuple[list[str], list[dict]]:
    """Per child, the figures of the child table's apps for ``year`` (one call of each app's ``compute``
    per child, bounded by the ~14 streets of a district: about 12 queries a child with org and
    supervision). Returns the columns present and the rows."""
    functions = _figure_functions(CHILD_APPS)
    rows = []
    for child in children:
        figures: dict = {}
        for fn in functions:
            figures.update(fn(child, year))
        rows.append({"unit": child, "figures": figures})
    present = set().union(*(r["figures"] for r in rows)) if rows else set()
    columns = [key for key in CHILD_COLUMNS if key in present]
    for row in rows:
        row["cells"] = [row["figures"].get(key) for key in columns]
    return columns, rows


# -- series -----------------------------------------------------------------------------------------

def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _by_month(rows, group: str | None = None) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for row in rows:
        name = row[group] if group else "total"
        out.setdefault(name, [0] * 12)[row["m"] - 1] += row["n"]
    return out or {"total": [0] * 12}


def _cases_resolved(unit, year):
    rows = (Case.objects.filter(subtree_q(unit, "unit"), state__in=DONE_STATES, resolved_on__year=year)
            .annotate(m=ExtractMonth("resolved_on")).values("m").annotate(n=Count("id")).order_by())
    return _by_month(rows)


def _cases_by_state(unit, year):
    rows = (Case.objects.filter(subtree_q(unit, "unit"), registered_on__year=year)
            .annotate(m=ExtractMonth("registered_on")).values("m", "state").annotate(n=Count("id")).order_by())
    series = {state: [0] * 12 for state in CaseState.values}
    for row in rows:
        series[row["state"]][row["m"] - 1] += row["n"]
    return series


def _visits(unit, year):
    rows = (VisitRecord.objects.filter(subtree_q(unit, "place"), visited_on__year=year)
            .annotate(m=ExtractMonth("visited_on")).values("m").annotate(n=Count("id")).order_by())
    return _by_month(rows)


# key -> (what it counts per month, the function). ``supervision.cases_resolved`` is the figure of that
# name spread over the months it was reached; the others are series of records behind the work cycle.
SERIES = {
    "supervision.cases_resolved": _cases_resolved,
    "supervision.cases_by_state": _cases_by_state,
    "supervision.visits": _visits,
}


def series_for(key: str, unit: OrgUnit, year: int) -> dict:
    """The monthly series of ``key`` (``SERIES``) over ``unit``'s subtree in ``year``. One grouped query."""
    return {"key": key, "unit": unit.code, "year": year, "months": _months(year), "series": SERIES[key](unit, year)}


# -- charts -----------------------------------------------------------------------------------------

def visit_coverage(unit: OrgUnit, children: list[OrgUnit], year: int) -> list[dict]:
    """Per child: visits in ``year``, households visited, and (for a district's streets) communities
    visited of communities. Two grouped queries whatever the data size."""
    if not children:
        return []
    column = ANCESTOR_OF_LEVEL.get(children[0].level)
    if column is None:
        return []
    ids = [c.pk for c in children]
    visits = {
        r[f"place__{column}"]: r for r in VisitRecord.objects.filter(
            **{f"place__{column}__in": ids}, visited_on__year=year)
        .values(f"place__{column}")
        .annotate(visits=Count("id"), households=Sum("households_count"),
                  communities=Count("place__community_anc", distinct=True)).order_by()
    }
    communities = {}
    if column != "community_anc":
        communities = {r[column]: r["n"] for r in OrgUnit.objects.filter(
            **{f"{column}__in": ids}, level=Level.COMMUNITY).values(column).annotate(n=Count("id")).order_by()}
    rows = []
    for child in children:
        v = visits.get(child.pk, {})
        total = communities.get(child.pk, 1)
        visited = v.get("communities", 0)
        rows.append({"unit": child.name, "code": child.code, "visits": v.get("visits", 0),
                     "households": v.get("households") or 0,
                     "coverage_pct": round(visited * 100 / total, 1) if total else None})
    return rows


ASSESSMENT_BARS = ("assessment.units_assessed", "assessment.units_with_cut", "assessment.individuals_assessed",
                   "assessment.excellent_individuals")


def _previous_term(value, change_pct):
    if not (_number(value) and _number(change_pct)) or change_pct <= -100:
        return None
    return round(value / (1 + change_pct / 100))


def _committee_terms(current: dict) -> list[dict]:
    """This term against the previous one, from the resources keys alone (the previous term's number is
    the one the change was computed from): under 35 and college-educated members, and the average age."""
    f = current.get
    rows = []
    for key, change_key in (("resources.committee_under_35", "resources.committee_under_35_change_pct"),
                            ("resources.committee_college", "resources.committee_college_change_pct")):
        if key in current and change_key in current:
            rows.append({"key": key, "label": str(label(key)), "current": f(key),
                         "previous": _previous_term(f(key), f(change_key))})
    age, age_change = f("resources.committee_avg_age"), f("resources.committee_avg_age_change")
    if _number(age) and _number(age_change):
        rows.append({"key": "resources.committee_avg_age", "label": str(label("resources.committee_avg_age")),
                     "current": age, "previous": round(age - age_change, 1)})
    return rows


def members_chart(child_rows: list[dict]) -> list[dict]:
    """Urban party members per child, from the child table's figures."""
    return [{"unit": r["unit"].name, "code": r["unit"].code, "value": r["figures"].get("org.urban_members")}
            for r in child_rows if "org.urban_members" in r["figures"]]


def chart_data(*, unit: OrgUnit, year: int, current: dict, coverage: list[dict]) -> dict:
    """The charts' JSON, every number from the figures, the series or the coverage above."""
    f = current.get
    levels = []
    for level_label, total_key, with_key in (
        (str(label("org.streets")), "org.streets", None),
        (str(label("org.communities")), "org.communities", None),
        (str(label("org.compounds")), "org.compounds", "org.compound_party_orgs"),
        (str(label("org.buildings")), "org.buildings", "org.building_party_groups"),
    ):
        if total_key in current:
            levels.append({"level": level_label, "units": f(total_key),
                           "with_party_org": f(with_key) if with_key else f(total_key)})
    charts = {
        "tree": levels,
        "committee": _committee_terms(current),
        "assessment": [{"key": k, "label": str(label(k)), "value": f(k)} for k in ASSESSMENT_BARS if k in current],
        "cases": series_for("supervision.cases_by_state", unit, year),
        "case_states": {value: str(text) for value, text in CaseState.choices},
        "visits": coverage,
        "labels": {"units": str(_("units")), "withParty": str(_("with a party organisation")),
                   "visits": str(_("visits")), "households": str(_("households")), "members": str(_("members")),
                   "thisTerm": str(_("this term")), "previousTerm": str(_("previous term"))},
    }
    return charts


def default_year() -> int:
    return timezone.localdate().year
