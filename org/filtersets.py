"""The filters of org's lists: one FilterSet per list serves its page, its API endpoint and its export
(``core.web.filter_list``), so a parameter means the same everywhere.

The unit tree is filtered by django-filter itself (``OrgUnitFilter``). The member lists are read by
their selectors, which hold the filter logic and the scope (the import, the figures and the tests call
them too): their FilterSets parse and validate the query parameters and hand them to the selector
(``SelectorFilterSet``), so no filter is written twice.
"""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.filters import UnitFilter
from core.scoping import Action, get_object_for_user

from . import selectors
from .choices import NewDomainKind
from .models import (
    Education,
    MemberCategory,
    MemberStatus,
    NewDomainOrg,
    OrgUnit,
    RegistrationKind,
    TransferBatch,
    TransferBatchState,
    TransferState,
)


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class CheckboxFilter(django_filters.Filter):
    """A checkbox, ticked or not (not django-filter's yes / no / unknown select)."""

    field_class = forms.BooleanField


class OrgUnitFilter(django_filters.FilterSet):
    """Units of the tree: the API's filters; ``q`` is the search page's name for ``search``."""

    parent = django_filters.NumberFilter(field_name="parent_id")
    level = django_filters.NumberFilter(field_name="level")
    kind = django_filters.CharFilter(field_name="kind")
    code = django_filters.CharFilter(field_name="code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    search = django_filters.CharFilter(method="filter_search")
    q = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = OrgUnit
        fields = ["parent", "level", "kind", "code", "name"]

    def filter_search(self, queryset, name, value):
        value = value[:100]
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class SelectorFilterSet(django_filters.FilterSet):
    """The parameters of a list read by a selector: the form parses and validates them, ``values()``
    turns them into the selector's keyword arguments and ``select(values)`` reads the rows.

    ``queryset`` is the selector's rows without filters (what a request without parameters lists). A
    ``unit`` code is looked up in the user's scope for ``action`` (VIEW for a list, EXPORT for an
    export) and kept as ``self.unit``: a missing code and one out of scope are the same error on
    ``unit`` and no rows. ``page=True`` keeps the filters of ``page_fields``, in that order (the list
    page's form); the API accepts every filter."""

    page_fields: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, action: str = Action.VIEW, page: bool = False,
                 prefix=None):
        self.action = action
        self.unit = None
        super().__init__(data, queryset, request=request, prefix=prefix)
        if page:
            self.filters = {name: self.filters[name] for name in self.page_fields}

    @property
    def data_values(self) -> dict:
        return getattr(self.form, "cleaned_data", {}) if self.is_bound else {}

    def values(self) -> dict:  # pragma: no cover - subclasses
        raise NotImplementedError

    def select(self, values: dict):  # pragma: no cover - subclasses
        raise NotImplementedError

    def filter_queryset(self, queryset):
        code = (self.data_values.get("unit") or "").strip()
        if code:
            try:
                self.unit = get_object_for_user(OrgUnit, self.request.user, self.action, code=code)
            except Http404:
                self.form.add_error("unit", gettext("No unit with this code in your scope."))
                return queryset.none()
        return self.select(self.values())


def unit_filter():
    return django_filters.CharFilter(label=_("Unit code (with its subtree)"), max_length=32)


def _current(data) -> bool:
    """Current rows only, unless the page's ``ended`` box is ticked or the API asks ``current=0``."""
    return not data.get("ended") and data.get("current") != "0"


class MemberFilterSet(SelectorFilterSet):
    """Members (``selectors.member_list``). The page searches with ``q``, the API with ``search``."""

    page_fields = ("q", "unit", "category", "status", "age_band", "education", "joined_year")

    q = django_filters.CharFilter(label=_("Search (name, unit, full ID number or mobile)"), max_length=64)
    search = django_filters.CharFilter(label=_("Search (name, unit, full ID number or mobile)"))
    unit = unit_filter()
    category = django_filters.ChoiceFilter(label=_("Category"), choices=MemberCategory.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MemberStatus.choices)
    age_band = django_filters.ChoiceFilter(label=_("Age"), choices=[
        ("under35", _("under 35")), ("35-45", _("35 to 45")), ("46-60", _("46 to 60")), ("over60", _("over 60")),
    ])
    education = django_filters.ChoiceFilter(label=_("Education"), choices=Education.choices)
    joined_year = IntegerFilter(label=_("Year joined"), min_value=1921, max_value=2100)

    def values(self) -> dict:
        data = self.data_values
        return {
            "search": (data.get("q") or data.get("search") or "").strip() or None,
            "category": data.get("category") or None,
            "status": data.get("status") or None,
            "age_band": data.get("age_band") or None,
            "education": data.get("education") or None,
            "joined_year": data.get("joined_year"),
        }

    def select(self, values: dict):
        return selectors.member_list(user=self.request.user, action=self.action, unit=self.unit, **values)


class DualRegistrationFilterSet(SelectorFilterSet):
    """Dual registrations (``selectors.dual_registration_list``)."""

    page_fields = ("kind", "unit", "ended")

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=RegistrationKind.choices)
    unit = unit_filter()
    ended = CheckboxFilter(label=_("Include ended"))
    current = django_filters.CharFilter()

    def values(self) -> dict:
        data = self.data_values
        return {"kind": data.get("kind") or None, "current": _current(data)}

    def select(self, values: dict):
        return selectors.dual_registration_list(user=self.request.user, unit=self.unit, **values)


class PartTimeMemberFilterSet(SelectorFilterSet):
    """Part-time committee members (``selectors.part_time_member_list``)."""

    page_fields = ("unit", "ended")

    unit = unit_filter()
    ended = CheckboxFilter(label=_("Include ended terms"))
    current = django_filters.CharFilter()

    def values(self) -> dict:
        return {"current": _current(self.data_values)}

    def select(self, values: dict):
        return selectors.part_time_member_list(user=self.request.user, unit=self.unit, **values)


class TransferFilterSet(SelectorFilterSet):
    """Transfers whose sending or receiving side is in scope (``selectors.transfer_list``)."""

    page_fields = ("state",)

    state = django_filters.ChoiceFilter(label=_("State"), choices=TransferState.choices)

    def values(self) -> dict:
        return {"state": self.data_values.get("state") or None}

    def select(self, values: dict):
        return selectors.transfer_list(user=self.request.user, **values)


class NewDomainOrgFilterSet(django_filters.FilterSet):
    """New-domain organisations (``selectors.new_domain_org_list``): ``q`` (name or code), ``kind``,
    ``unit`` (code, with its subtree), ``status`` (``current`` by default, ``ended``, ``all``)."""

    STATUS_CHOICES = [("ended", _("Ended")), ("all", _("Current and ended"))]

    q = django_filters.CharFilter(label=_("Search (name or code)"), method="filter_search", max_length=100)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=NewDomainKind.choices)
    unit = UnitFilter("unit")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, empty_label=_("Current"),
                                         method="filter_status")

    class Meta:
        model = NewDomainOrg
        fields = ["q", "kind", "unit", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset  # applied in ``qs``: the default (no value) must hold for an unbound set too

    @property
    def qs(self):
        qs = super().qs
        status = self.form.cleaned_data.get("status") if self.is_bound and self.is_valid() else ""
        if status == "ended":
            return qs.filter(ended_on__isnull=False)
        if status == "all":
            return qs
        return qs.filter(ended_on__isnull=True)


# -- batch transfers (org.views.batches, org.api.batches) ---------------------------------------------------

class BatchUnitFilter(UnitFilter):
    """A batch lies in a unit's subtree when it is run there or sends a member there."""

    def filter(self, qs, value):
        from django_filters.constants import EMPTY_VALUES

        from core.scoping import subtree_q

        from .models import Transfer

        if value in EMPTY_VALUES:
            return qs
        sent_there = Transfer.objects.filter(subtree_q(value, "to_unit"), batch__isnull=False).values("batch_id")
        return qs.filter(subtree_q(value, "registered_at") | Q(pk__in=sent_there))


class TransferBatchFilterSet(django_filters.FilterSet):
    """Batches (``selectors.transfer_batch_list``): ``unit`` (code, with its subtree: run there or sending
    members there), ``state``."""

    unit = BatchUnitFilter("registered_at")
    state = django_filters.ChoiceFilter(label=_("State"), choices=TransferBatchState.choices)

    class Meta:
        model = TransferBatch
        fields = ["unit", "state"]


# -- the joint conference and grids (org.views.conference, org.views.grids, org.api.conference, org.api.grids) --

from .choices import JointNeedState, JointProjectState  # noqa: E402
from .models import Grid, JointConference, JointNeed, JointProject  # noqa: E402


class JointConferenceFilterSet(django_filters.FilterSet):
    """Conferences (``selectors.joint_conference_list``): ``unit`` (code, with its subtree)."""

    unit = UnitFilter("unit")

    class Meta:
        model = JointConference
        fields = ["unit"]


class JointProjectFilterSet(django_filters.FilterSet):
    """Joint projects (``selectors.joint_project_list``): ``unit`` (code: the conference's unit or the need's
    lies in its subtree), ``state``, ``conference`` (id)."""

    unit = UnitFilter("conference__unit", "need__unit")
    state = django_filters.ChoiceFilter(label=_("State"), choices=JointProjectState.choices)
    conference = django_filters.NumberFilter(field_name="conference_id", widget=forms.HiddenInput)

    class Meta:
        model = JointProject
        fields = ["unit", "state", "conference"]


class JointNeedFilterSet(django_filters.FilterSet):
    """Residents' needs (``selectors.joint_need_list``): ``unit`` (code, with its subtree), ``state``."""

    unit = UnitFilter("unit")
    state = django_filters.ChoiceFilter(label=_("State"), choices=JointNeedState.choices)

    class Meta:
        model = JointNeed
        fields = ["unit", "state"]


class GridFilterSet(django_filters.FilterSet):
    """Grids (``selectors.grid_list``): ``unit`` (code: the community or a unit above it), ``mine`` (the
    grids the user is assigned to today)."""

    unit = UnitFilter("community")
    mine = CheckboxFilter(label=_("Only my grids"), method="filter_mine")

    class Meta:
        model = Grid
        fields = ["unit", "mine"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        from django.utils import timezone

        from .models import GridAssignment

        today = timezone.localdate()
        mine = GridAssignment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today),
                                             valid_from__lte=today, user_id=self.request.user.pk)
        return queryset.filter(pk__in=mine.values("grid_id"))
