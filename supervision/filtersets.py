"""The filters of the work system's lists: one FilterSet per list, and the page (``core.web.filter_list``),
its API endpoint (DRF's ``DjangoFilterBackend``) and its export all use it, so they filter the same way
with the same parameter names.

Scope is not decided here: each FilterSet is given the queryset of the list's selector (already scoped
for the user: ``selectors.case_list(user=...)``, ...) and only narrows it. A unit is typed by its code and
looked up among the units in the user's scope; a department among the departments the user may pick. A
bad value is an error on the page's filter form (no rows) and a 400 from the API, never a 500.
"""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import UnitFilter
from core.templatetags.rows import QUICK_RENDERER
from org.models import OutsideUnit, OutsideUnitKind

from .choices import OPEN_STATES, CaseKind, CaseState, Category, NoticeState, ReceivingLevel, ResponsibleLevel
from .forms.common import (
    DATE,
    MONTH,
    QUARTER,
    DepartmentChoiceField,
    PeriodField,
    YesNoField,
    department_queryset,
)
from .models import (
    AccountabilityInterview,
    AssignmentLetter,
    Case,
    Consultation,
    DelegatedServiceItem,
    DispatchSheet,
    Inspection,
    KeyTask,
    Notification,
    SupervisionNotice,
    VisitRecord,
)


class FilterForm(forms.Form):
    default_renderer = QUICK_RENDERER  # the same HTML, the options written without two includes each


# -- filters ----------------------------------------------------------------------------------------

def _departments(request):
    """Active district departments (the callers that need the user's own district say so)."""
    return department_queryset()


def _own_district_departments(request):
    """The departments of the user's own district, not the whole province; the options show the name only."""
    if request is None:
        return OutsideUnit.objects.none()
    from org.selectors import outside_unit_choices

    return outside_unit_choices(user=request.user, kind=OutsideUnitKind.DISTRICT_DEPARTMENT).only("name")


class DepartmentFilter(django_filters.ModelChoiceFilter):
    """``department``: a district department by id."""

    field_class = DepartmentChoiceField

    def __init__(self, field_name: str = "department", **kwargs):
        kwargs.setdefault("queryset", _departments)
        kwargs.setdefault("label", _("District department"))
        super().__init__(field_name=field_name, **kwargs)

    @property
    def field(self):
        self.extra.pop("null_value", None)
        return super().field


class YesNoFilter(django_filters.Filter):
    """All / yes / no on a boolean column."""

    field_class = YesNoField


class PeriodFilter(django_filters.CharFilter):
    """A month ``YYYY-MM`` (or, with ``pattern=QUARTER``, a quarter ``YYYY-Qn``)."""

    field_class = PeriodField

    def __init__(self, pattern: str = MONTH, **kwargs):
        kwargs.setdefault("label", _("Month (YYYY-MM)"))
        super().__init__(field_name="period", pattern=pattern, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, field_name: str = "year", **kwargs):
        kwargs.setdefault("label", _("Year"))
        super().__init__(field_name=field_name, min_value=2000, max_value=2100, **kwargs)


def _choices(label, choices, **kwargs):
    return django_filters.ChoiceFilter(label=label, choices=choices, **kwargs)


class ListFilterSet(django_filters.FilterSet):
    """The base of the lists' FilterSets: every filter is declared (``Meta.model`` only names the model
    for the API schema), the form drawn by ``FilterForm``."""

    class Meta:
        form = FilterForm
        fields: list = []

    def value(self, name: str):
        """The cleaned value of filter ``name``; None when unset, the filterset unbound or invalid."""
        return self.form.cleaned_data.get(name) if self.is_bound and self.is_valid() else None


# -- visits -----------------------------------------------------------------------------------------

class VisitFilter(ListFilterSet):
    """``unit`` (code, subtree), ``date_from``, ``date_to``, ``category``, ``follow_up`` (1/0) and ``mine=1``
    (the caller's own visits; the page keeps it as a hidden input, so it is no field of the form)."""

    unit = UnitFilter("place")
    date_from = django_filters.DateFilter("visited_on", "gte", label=_("From"), widget=DATE)
    date_to = django_filters.DateFilter("visited_on", "lte", label=_("To"), widget=DATE)
    category = _choices(_("Topic"), Category.choices)
    follow_up = YesNoFilter("needs_follow_up", label=_("Needs follow-up"))

    class Meta(ListFilterSet.Meta):
        model = VisitRecord

    @property
    def mine(self) -> bool:
        return (self.data or {}).get("mine") == "1"

    def filter_queryset(self, queryset):
        if self.mine:
            queryset = queryset.filter(cadre=self.request.user)
        return super().filter_queryset(queryset)


class VisitApiFilter(VisitFilter):
    """The API's name for ``follow_up`` (1/0/true/false) as well."""

    needs_follow_up = YesNoFilter("needs_follow_up", label=_("Needs follow-up"))


# -- cases ------------------------------------------------------------------------------------------

class CaseFilter(ListFilterSet):
    """``q`` (title, parties, description), ``state`` (or ``open``: every open state), ``kind``,
    ``category``, ``level``, ``unit`` (code, subtree), ``department`` (handling department, id),
    ``overdue``, ``hard`` (1/0)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    state = _choices(_("State"), [("open", _("Open (all open states)"))] + list(CaseState.choices),
                     method="filter_state")
    kind = _choices(_("Kind"), CaseKind.choices)
    category = _choices(_("Topic"), Category.choices)
    level = _choices(_("Responsible level"), ResponsibleLevel.choices)
    unit = UnitFilter("unit")
    department = DepartmentFilter("handler_department", queryset=_own_district_departments,
                                  label=_("Handling department"))
    overdue = YesNoFilter("is_overdue", label=_("Overdue"))
    hard = YesNoFilter("is_hard", label=_("Hard case"))

    class Meta(ListFilterSet.Meta):
        model = Case

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(parties__icontains=value)
                               | Q(description__icontains=value))

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=OPEN_STATES) if value == "open" else queryset.filter(state=value)

    def narrows(self) -> bool:
        """Whether a filter other than the unit is set or refused (the page then counts the rows itself)."""
        if not self.is_bound:
            return False
        if not self.is_valid():
            return True
        return any(value not in (None, "") for name, value in self.form.cleaned_data.items() if name != "unit")


class CaseApiFilter(CaseFilter):
    """The API's name for ``q`` as well."""

    search = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)


# -- dispatch and consultation ----------------------------------------------------------------------

class DispatchSheetFilter(ListFilterSet):
    period = PeriodFilter()

    class Meta(ListFilterSet.Meta):
        model = DispatchSheet


class ConsultationFilter(ListFilterSet):
    period = PeriodFilter(QUARTER, label=_("Quarter (YYYY-Qn)"))

    class Meta(ListFilterSet.Meta):
        model = Consultation


# -- task list --------------------------------------------------------------------------------------

class KeyTaskFilter(ListFilterSet):
    year = YearFilter()

    class Meta(ListFilterSet.Meta):
        model = KeyTask


class LetterFilter(ListFilterSet):
    """``year``, ``overdue`` (1/0), ``department`` (id)."""

    year = YearFilter()
    overdue = YesNoFilter("is_overdue", label=_("Overdue"))
    department = DepartmentFilter()

    class Meta(ListFilterSet.Meta):
        model = AssignmentLetter


# -- inspections and supervision --------------------------------------------------------------------

class InspectionFilter(ListFilterSet):
    year = YearFilter("held_on__year")

    class Meta(ListFilterSet.Meta):
        model = Inspection


class NoticeFilter(ListFilterSet):
    """``state``, ``period`` (month), ``unit`` (code, subtree), ``department`` (id)."""

    state = _choices(_("State"), NoticeState.choices)
    period = PeriodFilter()
    unit = UnitFilter("unit")
    department = DepartmentFilter()

    class Meta(ListFilterSet.Meta):
        model = SupervisionNotice


class InterviewFilter(ListFilterSet):
    """``period`` (month), ``unit`` (code, subtree), ``department`` (id)."""

    period = PeriodFilter()
    unit = UnitFilter("unit")
    department = DepartmentFilter()

    class Meta(ListFilterSet.Meta):
        model = AccountabilityInterview


class DelegatedItemFilter(ListFilterSet):
    """``q`` (name or code), ``receiving_level``, ``department`` (id), ``unit`` (code: items kept in its
    subtree, i.e. by the district root), ``status``: in force by default, ``withdrawn`` or ``all``."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search", max_length=100)
    receiving_level = _choices(_("Delegated to"), ReceivingLevel.choices)
    department = DepartmentFilter(label=_("Delegating department"))
    unit = UnitFilter("owner")
    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=_("In force"), method="filter_status",
                                         choices=[("withdrawn", _("Withdrawn")), ("all", _("In force and withdrawn"))])

    class Meta(ListFilterSet.Meta):
        model = DelegatedServiceItem

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset  # applied in ``qs``: the default (in force) holds for an unbound set too

    @property
    def qs(self):
        qs = super().qs
        status = self.value("status")
        if status == "withdrawn":
            return qs.filter(is_active=False)
        return qs if status == "all" else qs.filter(is_active=True)


# -- notifications ----------------------------------------------------------------------------------

class NotificationFilter(ListFilterSet):
    """``unread=1``: unread only (``0`` or nothing: all)."""

    unread = YesNoFilter(label=_("Unread only"), method="filter_unread")

    class Meta(ListFilterSet.Meta):
        model = Notification

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset
