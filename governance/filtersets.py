"""The filters of the governance lists: one FilterSet per list, used by the page (``core.web.filter_list``),
its API endpoint (DRF's ``DjangoFilterBackend``) and its export. Scope is the selector's; a filter only
narrows. A unit is typed by its code and looked up in the user's scope; a bad value is an error on the
page's form and a 400 from the API, never a 500."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import UnitFilter

from .choices import CommitteeKind, FilingStatus, MeetingState, PostingRole, SocialField, Stage, TopicSource, TopicState
from .models import Committee, FloatingMember, Meeting, Posting, SocialOrganisation, Topic


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


class CommitteeFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CommitteeKind.choices)

    class Meta(ListFilterSet.Meta):
        model = Committee
