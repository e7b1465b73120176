"""The filters of the governance lists: one FilterSet per list, used by the page (``core.web.filter_list``),
its API endpoint (DRF's ``DjangoFilterBackend``) and its export. Scope is the selector's; a filter only
narrows. A unit is typed by its code and looked up in the user's scope; a bad value is an error on the
page's form and a 400 from the API, never a 500."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from core.scoping import subtree_q
from org.models import OrgUnit

from .choices import FilingStatus, MeetingState, PostingRole, SocialField, Stage, TopicSource, TopicState
from .models import FloatingMember, Meeting, Posting, SocialOrganisation, Topic


class UnitCodeField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("No unit with this code in your scope.")}

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Unit code (with its subtree)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 32}))
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


def _units_in_scope(request):
    return OrgUnit.objects.for_user(request.user) if request is not None else OrgUnit.objects.none()


class UnitFilter(django_filters.ModelChoiceFilter):
    """``unit``: a unit code in the user's scope; rows whose unit (any of ``paths``) lies in its subtree."""

    field_class = UnitCodeField

    def __init__(self, *paths: str, **kwargs):
        self.paths = paths or ("unit",)
        kwargs.setdefault("queryset", _units_in_scope)
        super().__init__(field_name=self.paths[0], **kwargs)

    @property
    def field(self):
        self.extra.pop("null_value", None)
        return super().field

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        q = Q(pk__in=[])
        for path in self.paths:
            q |= subtree_q(value, path)
        return qs.filter(q)


class YesNoFilter(django_filters.BooleanFilter):
    field_class = forms.NullBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))
        super().__init__(*args, **kwargs)


class ListFilterSet(django_filters.FilterSet):
    unit = UnitFilter()

    class Meta:
        fields: list = []


class TopicFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    state = django_filters.ChoiceFilter(label=_("State"), choices=TopicState.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=TopicSource.choices)
    year = django_filters.NumberFilter("raised_on", "year", label=_("Year"), min_value=2000, max_value=2100)

    class Meta(ListFilterSet.Meta):
        model = Topic

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else qs


class MeetingFilter(ListFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=MeetingState.choices)
    year = django_filters.NumberFilter("held_on", "year", label=_("Year"), min_value=2000, max_value=2100)

    class Meta(ListFilterSet.Meta):
        model = Meeting


class SocialOrgFilter(ListFilterSet):
    q = django_filters.CharFilter("name", "icontains", label=_("Name"), max_length=100)
    field = django_filters.ChoiceFilter(label=_("Field"), choices=SocialField.choices)
    stage = django_filters.ChoiceFilter(label=_("Incubation stage"), choices=Stage.choices)
    filing_status = django_filters.ChoiceFilter(label=_("Filing status"), choices=FilingStatus.choices)

    class Meta(ListFilterSet.Meta):
        model = SocialOrganisation


class PostingFilter(ListFilterSet):
    role = django_filters.ChoiceFilter(label=_("Role"), choices=PostingRole.choices)
    current = YesNoFilter("ended_on", "isnull", label=_("Current"))

    class Meta(ListFilterSet.Meta):
        model = Posting


class FloatingFilter(ListFilterSet):
    unit = UnitFilter("origin_unit", "destination_unit")
    pending = YesNoFilter(label=_("Not yet reported or registered"), method="filter_pending")
    current = YesNoFilter("ended_on", "isnull", label=_("Current"))

    class Meta(ListFilterSet.Meta):
        model = FloatingMember

    def filter_pending(self, qs, name, value):
        if value is None:
            return qs
        pending = Q(reported_on__isnull=True) | Q(registered_on__isnull=True)
        return qs.filter(pending) if value else qs.exclude(pending)
