"""The filters of the assessment lists (page, API and export use the same FilterSet). Scope is decided
by the selectors; a FilterSet only narrows. A bad value is a form error on the page, a 400 in the API."""
from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import UnitFilter
from supervision.filtersets import ListFilterSet, PeriodFilter, YearFilter
from supervision.forms.common import QUARTER

from .choices import AssesseeKind, RegularGrade, RegularState, YearGrade
from .models import RegularAssessment, YearResult


class RegularFilter(ListFilterSet):
    """``year``, ``period`` (YYYY-Qn), ``kind``, ``state``, ``grade``, ``unit`` (code, subtree)."""

    year = YearFilter()
    period = PeriodFilter(pattern=QUARTER, label=_("Quarter (YYYY-Qn)"))
    kind = django_filters.ChoiceFilter("scheme__assessee_kind", label=_("Assessed"), choices=AssesseeKind.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=RegularState.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=RegularGrade.choices)
    unit = UnitFilter("unit")

    class Meta(ListFilterSet.Meta):
        model = RegularAssessment


class YearResultFilter(ListFilterSet):
    """``year`` (required on the board), ``kind``, ``grade``, ``unit`` (code: results in its subtree)."""

    year = YearFilter()
    kind = django_filters.ChoiceFilter("scheme__assessee_kind", label=_("Assessed"), choices=AssesseeKind.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=YearGrade.choices)
    unit = UnitFilter("unit")

    class Meta(ListFilterSet.Meta):
        model = YearResult
