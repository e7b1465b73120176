"""Reads of the assessment system, scoped through ``core.scoping``.

Units' results are read like every unit-scoped record (``for_user``: a unit sees its own and those in
its subtree, which are the ones it assesses). Individuals' results are narrower: a person sees their
own, and a unit's assessors (secretaries and the district, ``ASSESSOR_ROLES``) see those whose reviewer
unit lies in their subtree; a cadre never sees colleagues' results.
"""
from __future__ import annotations

from django.db.models import Count, Q

from accounts.roles import Role
from core.scoping import Action, cached_grants, scope_nodes, subtree_q
from org.models import OrgUnit

from .choices import PERSON_GRADE_LABELS, PERSON_KINDS, SchemeState, YearGrade
from .models import IndicatorScore, Lapse, QuotaOverride, RegularAssessment, Scheme, YearClose, YearResult

ASSESSOR_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_VIEWER, Role.STREET_SECRETARY,
                            Role.COMMUNITY_SECRETARY})


def assessor_q(user, path: str = "reviewer_unit") -> Q:
    """Rows whose ``path`` unit lies under a node where ``user`` holds an assessor's role."""
    if scope_nodes(user, Action.VIEW) is None:
        return Q()
    q = Q(pk__in=[])
    for grant in cached_grants(user):
        if grant.role in ASSESSOR_ROLES:
            q |= subtree_q(grant.unit, path)
    return q


def _people_narrowed(qs, user):
    if scope_nodes(user, Action.VIEW) is None:
        return qs
    return qs.filter(Q(person__isnull=True) | Q(person_id=user.pk) | assessor_q(user))


def own_results_q(user) -> Q:
    return Q(person_id=getattr(user, "pk", None))


def scheme_list(*, user):
    return Scheme.objects.for_user(user, Action.VIEW).select_related("owner").annotate(
        indicator_count=Count("indicators")).order_by("-year", "assessee_kind")


def regular_list(*, user, action: str = Action.VIEW):
    """Regular assessments in scope, a person's own included (their grant at the unit gives VIEW)."""
    qs = RegularAssessment.objects.for_user(user, action) | RegularAssessment.objects.filter(own_results_q(user))
    return _people_narrowed(qs.distinct(), user).select_related(
        "scheme", "unit", "reviewer_unit", "department", "person").order_by("-period", "reviewer_unit__lft",
                                                                            "unit__lft", "assessee_key")


def regular_scores(assessment: RegularAssessment):
    return (IndicatorScore.objects.filter(assessment=assessment).select_related("indicator", "indicator__area",
                                                                                 "entered_by")
            .order_by("indicator__number"))


def year_result_list(*, user, year: int | None = None):
    qs = YearResult.objects.for_user(user, Action.VIEW) | YearResult.objects.filter(own_results_q(user))
    qs = _people_narrowed(qs.distinct(), user)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.select_related("scheme", "unit", "reviewer_unit", "department", "person").order_by(
        "scheme__assessee_kind", "reviewer_unit__lft", "unit__lft", "assessee_key")


def year_closed(owner_id: int, year: int) -> YearClose | None:
    return YearClose.objects.filter(owner_id=owner_id, year=year).first()


def quota_table(*, year: int, owner_id: int | None = None, unit_ids=None) -> list[dict]:
    """One row per (assessing unit, person scheme) of ``year``: headcount (persons it assesses), the base
    share, its recorded lapses (quarters, deadlines, the late assessments), the cut (computed from the
    scheme's tiers, or the district's override with its reason), the quota
    ``floor(headcount × (base − cut) / 100)`` and the 优秀 given. Five queries whatever the size."""
    results = YearResult.objects.filter(year=year, scheme__assessee_kind__in=PERSON_KINDS)
    if owner_id is not None:
        results = results.filter(scheme__owner_id=owner_id)
    if unit_ids is not None:
        results = results.filter(reviewer_unit_id__in=list(unit_ids))
    counts = list(results.values("reviewer_unit_id", "scheme_id").annotate(
        headcount=Count("pk"), excellent=Count("pk", filter=Q(grade=YearGrade.EXCELLENT))).order_by())
    unit_set = {c["reviewer_unit_id"] for c in counts}
    scheme_set = {c["scheme_id"] for c in counts}
    schemes = {s.pk: s for s in Scheme.objects.filter(pk__in=scheme_set)}
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=unit_set).only("pk", "code", "name", "lft", "tree_id")}
    lapses: dict[int, list] = {}
    for lapse in Lapse.objects.filter(year=year, unit_id__in=unit_set).order_by("period"):
        lapses.setdefault(lapse.unit_id, []).append(lapse)
    overrides = {(o.unit_id, o.scheme_id): o for o in QuotaOverride.objects.filter(scheme_id__in=scheme_set,
                                                                                    unit_id__in=unit_set)}
    rows = []
    for c in counts:
        scheme, unit = schemes[c["scheme_id"]], units[c["reviewer_unit_id"]]
        unit_lapses = lapses.get(unit.pk, [])
        computed = scheme.cut_for(len(unit_lapses))
        override = overrides.get((unit.pk, scheme.pk))
        cut = override.cut_points if override else computed
        base = scheme.base_excellent_pct
        rows.append({
            "unit_id": unit.pk, "unit": unit.code, "unit_name": unit.name, "scheme_id": scheme.pk,
            "assessee_kind": scheme.assessee_kind, "kind_label": scheme.get_assessee_kind_display(), "year": year, "headcount": c["headcount"], "base_pct": base,
            "lapses": len(unit_lapses), "lapse_ids": [lp.pk for lp in unit_lapses],
            "lapse_detail": [{"id": lp.pk, "period": lp.period, "deadline": lp.deadline.isoformat(),
                              "late": lp.late_count} for lp in unit_lapses],
            "computed_cut": computed, "override": bool(override),
            "override_reason": override.reason if override else "", "cut_points": cut,
            "quota": c["headcount"] * max(base - cut, 0) // 100, "excellent": c["excellent"],
            "base": base, "cut": cut, "_lft": (unit.tree_id, unit.lft),
        })
    rows.sort(key=lambda r: (r["_lft"], r["assessee_kind"]))
    for r in rows:
        del r["_lft"]
    return rows


def quota_for(*, unit, scheme) -> dict:
    rows = quota_table(year=scheme.year, owner_id=scheme.owner_id, unit_ids=[unit.pk])
    for row in rows:
        if row["scheme_id"] == scheme.pk:
            return row
    base = scheme.base_excellent_pct
    return {"unit": unit.code, "headcount": 0, "base_pct": base, "base": base, "lapses": 0, "cut_points": 0,
            "cut": 0, "quota": 0, "excellent": 0}


def quota_rows(*, user, year: int, unit: OrgUnit | None = None) -> list[dict]:
    """``quota_table`` limited to the units in ``user``'s VIEW scope (and to ``unit``'s subtree)."""
    units = OrgUnit.objects.for_user(user, Action.VIEW)
    if unit is not None:
        units = units.filter(subtree_q(unit))
    return quota_table(year=year, unit_ids=units.values_list("pk", flat=True))


def lapse_list(*, user, year: int | None = None):
    qs = Lapse.objects.for_user(user, Action.VIEW).select_related("unit")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("unit__lft", "period")


def grade_distribution(rows) -> list[dict]:
    """Counts per (kind, grade) of year results (a list or queryset): for the board's table."""
    counts: dict[tuple, int] = {}
    for r in rows:
        counts[(r.scheme.assessee_kind, r.grade)] = counts.get((r.scheme.assessee_kind, r.grade), 0) + 1
    from .choices import AssesseeKind

    return [{"kind": k, "grade": g, "count": n, "kind_label": AssesseeKind(k).label,
             "grade_label": (PERSON_GRADE_LABELS[g] if k in PERSON_KINDS else YearGrade(g).label) if g else ""} for (k, g), n in sorted(counts.items())]


def schemes_in_use(year: int):
    return Scheme.objects.filter(year=year, state=SchemeState.IN_USE)


def scheme_get(*, user, pk, action: str = Action.VIEW) -> Scheme:
    """One scheme in scope (the district's), else 404."""
    from core.scoping import get_object_for_user

    return get_object_for_user(Scheme.objects.select_related("owner", "copied_from"), user, action, pk=pk)


def scheme_indicators(scheme: Scheme):
    return scheme.indicators.select_related("area").order_by("number")


def indicator_get(*, user, pk, action: str = Action.VIEW):
    from core.scoping import get_object_for_user

    from .models import Indicator

    return get_object_for_user(Indicator.objects.select_related("scheme__owner", "area"), user, action, pk=pk)


GRADE_ORDER = (YearGrade.EXCELLENT, YearGrade.COMPETENT, YearGrade.BASIC, YearGrade.FAILED, "")


def grade_chart(distribution: list[dict]) -> dict:
    """The board's grade distribution ready for a chart (``json_script``): the grade axis in order
    (ungraded last) and one series per kind of assessee with its count per grade."""
    from django.utils.translation import gettext as _

    from .choices import AssesseeKind

    grades = [g for g in GRADE_ORDER if any(d["grade"] == g for d in distribution)]
    labels = [str(YearGrade(g).label) if g else _("Not graded yet") for g in grades]
    series = []
    for kind in AssesseeKind.values:
        counts = {d["grade"]: d["count"] for d in distribution if d["kind"] == kind}
        if counts:
            series.append({"kind": kind, "name": str(AssesseeKind(kind).label),
                           "data": [counts.get(g, 0) for g in grades]})
    return {"grades": grades, "labels": labels, "series": series}
