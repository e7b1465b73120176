"""Figures of the assessment system: computed from the results, lapses and regular assessments; a
street-level sum adds up to the district (results of units and individuals below streets)."""
import pytest

from assessment import figures, services
from assessment.models import RegularAssessment

from .conftest import Q1, YEAR, complete_q1, review_all

pytestmark = pytest.mark.django_db
KEYS = ("assessment.units_assessed", "assessment.individuals_assessed", "assessment.regular_completion_pct",
        "assessment.units_with_cut", "assessment.excellent_individuals", "assessment.excellent_pct")


def test_figures_from_records(tree, world):
    complete_q1(tree, world, late_units=[tree.c1])
    review_all(tree, world)
    district = figures.compute(tree.district, YEAR)
    assert set(district) == set(KEYS)
    assert district["assessment.units_assessed"] == 3  # three communities
    assert district["assessment.individuals_assessed"] == RegularAssessment.objects.filter(
        period=Q1, person__isnull=False).count()
    assert district["assessment.units_with_cut"] == 1  # C1 completed its cadres late
    on_time = RegularAssessment.objects.exclude(reviewer_unit=tree.c1).count()
    assert district["assessment.regular_completion_pct"] == round(100 * on_time / RegularAssessment.objects.count(), 1)
    streets = [figures.compute(s, YEAR) for s in (tree.s1, tree.s2)]
    for key in ("assessment.units_assessed", "assessment.units_with_cut", "assessment.excellent_individuals"):
        assert sum(s[key] for s in streets) == district[key]
    # the street secretaries are registered at their streets: individuals add up too
    assert sum(s["assessment.individuals_assessed"] for s in streets) == district["assessment.individuals_assessed"]


def test_finalised_year_takes_no_new_rows(tree, world):
    complete_q1(tree, world)
    review_all(tree, world)
    services.year_finalise(actor=world.admin, owner=tree.district, year=YEAR)
    result = services.regular_open(period="2026-Q2")
    assert result["opened"] == 0 and result["skipped"] == 3
