"""Figures of the assessment system (shared/figures.md, keys assessment.*) for a year, computed from the
year-end results, the regular assessments and the lapses in the unit's subtree. Results of district
departments are registered at the district root, so they count only there."""
from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from core.scoping import subtree_q
from org.models import OrgUnit

from .choices import RegularState, YearGrade
from .models import RegularAssessment, YearResult
from .selectors import quota_table


def compute(unit, year=None) -> dict:
    year = year or timezone.localdate().year
    results = YearResult.objects.filter(subtree_q(unit, "unit"), year=year)
    units = results.filter(person__isnull=True).count()
    people = results.filter(person__isnull=False)
    individuals = people.count()
    excellent = people.filter(grade=YearGrade.EXCELLENT).count()
    regular = RegularAssessment.objects.filter(subtree_q(unit, "unit"), year=year)
    total = regular.count()
    on_time = regular.filter(state=RegularState.COMPLETED, completed_on__lte=F("deadline")).count()
    reviewers = OrgUnit.objects.filter(subtree_q(unit)).values_list("pk", flat=True)
    cut_units = {row["unit_id"] for row in quota_table(year=year, unit_ids=reviewers) if row["cut_points"] > 0}
    return {
        "assessment.units_assessed": units,
        "assessment.individuals_assessed": individuals,
        "assessment.regular_completion_pct": round(100 * on_time / total, 1) if total else 0.0,
        "assessment.units_with_cut": len(cut_units),
        "assessment.excellent_individuals": excellent,
        "assessment.excellent_pct": round(100 * excellent / individuals, 1) if individuals else 0.0,
    }


__all__ = ["compute"]
