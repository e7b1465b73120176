"""One FilterSet per list: the page (``core.web.filter_list``) and its API endpoint use the same one.
Each is given the list selector's queryset (already scoped) and only narrows it. A unit is typed by its
code and looked up among the units in the user's scope; a bad value is a form error on the page and a
400 from the API, never a 500."""
from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import UnitFilter

from .choices import CareerEventKind, FundKind, PartyPost, ResidentsPost, TrainingForm
from .models import (
    CareerEvent,
    FundAllocation,
    Pairing,
    Premise,
    Seat,
    StationedStaff,
    Term,
    TrainingAttendance,
    TrainingSession,
)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, field_name: str = "year", **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(field_name=field_name, min_value=2000, max_value=2100, **kwargs)


class TermFilter(django_filters.FilterSet):
    unit = UnitFilter("community")
    number = django_filters.NumberFilter(field_name="number", label=_("Term number"), min_value=1, max_value=99)

    class Meta:
        model = Term
        fields = ["unit", "number"]


class SeatFilter(django_filters.FilterSet):
    unit = UnitFilter("term__community")
    term = django_filters.NumberFilter(field_name="term", label=_("Term"), min_value=1)
    number = django_filters.NumberFilter(field_name="term__number", label=_("Term number"), min_value=1,
                                         max_value=99)
    party_post = django_filters.ChoiceFilter(choices=PartyPost.choices[1:], label=_("Party committee post"))
    residents_post = django_filters.ChoiceFilter(choices=ResidentsPost.choices[1:],
                                                 label=_("Residents' committee post"))

    class Meta:
        model = Seat
        fields = ["unit", "term", "number", "party_post", "residents_post"]


class PairingFilter(django_filters.FilterSet):
    unit = UnitFilter("community")
    year = YearFilter(method="filter_year", label=_("Running in year"))

    class Meta:
        model = Pairing
        fields = ["unit", "year"]

    def filter_year(self, qs, name, value):
        year = int(value)
        return qs.filter(Q(starts_on__lte=dt.date(year, 12, 31))
                         & (Q(ends_on__isnull=True) | Q(ends_on__gte=dt.date(year, 1, 1))))


class AllocationFilter(django_filters.FilterSet):
    unit = UnitFilter("community")
    year = YearFilter()
    kind = django_filters.ChoiceFilter(choices=FundKind.choices, label=_("Kind of funds"))

    class Meta:
        model = FundAllocation
        fields = ["unit", "year", "kind"]


class PremiseFilter(django_filters.FilterSet):
    unit = UnitFilter("community")

    class Meta:
        model = Premise
        fields = ["unit"]


class TrainingFilter(django_filters.FilterSet):
    unit = UnitFilter("organiser", label=_("Organiser's unit code (with its subtree)"))
    year = YearFilter("starts_on__year")
    form = django_filters.ChoiceFilter(choices=TrainingForm.choices, label=_("Form"))

    class Meta:
        model = TrainingSession
        fields = ["unit", "year", "form"]


class AttendanceFilter(django_filters.FilterSet):
    unit = UnitFilter("seat__term__community")
    year = YearFilter("session__starts_on__year")

    class Meta:
        model = TrainingAttendance
        fields = ["unit", "year"]


class StationedFilter(django_filters.FilterSet):
    unit = UnitFilter("street")

    class Meta:
        model = StationedStaff
        fields = ["unit"]


class CareerEventFilter(django_filters.FilterSet):
    unit = UnitFilter("seat__term__community")
    kind = django_filters.ChoiceFilter(choices=CareerEventKind.choices, label=_("Kind"))
    year = YearFilter("happened_on__year")

    class Meta:
        model = CareerEvent
        fields = ["unit", "kind", "year"]
