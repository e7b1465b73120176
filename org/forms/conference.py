"""Forms of the joint-conference pages. They parse input; units are typed as codes and resolved in scope by
the views, choices are limited to the conference's own rows, and the services validate and write."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.choices import CaseKind, Category

from ..choices import LEVEL_OF_KIND, JointNeedState, JointResourceKind, Level
from ..models import ConferenceMemberUnit, JointNeed, JointResource, OrgUnit, PartTimeMember
from ..selectors import outside_unit_choices
from .common import DATE_WIDGET, blank


class MemberUnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.outside_unit)


class SeatChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person_name} · {obj.home_unit} · {obj.seat.name}"


def _in_area(conference, path: str = "") -> dict:
    u = conference.unit
    p = f"{path}__" if path else ""
    return {f"{p}tree_id": u.tree_id, f"{p}lft__gte": u.lft, f"{p}rght__lte": u.rght}


class JointConferenceForm(forms.Form):
    unit = forms.CharField(label=_("Street or district code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=120)
    established_on = forms.DateField(label=_("Established on"), initial=timezone.localdate, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MemberUnitForm(forms.Form):
    """A member unit; its representatives are picked from the part-time seats of people from that unit in the
    conference's area (none ticked: all of them)."""

    outside_unit = forms.ModelChoiceField(label=_("Member unit"), queryset=None)
    duty = forms.CharField(label=_("Duty in the conference"), max_length=64, required=False)
    joined_on = forms.DateField(label=_("Member since"), initial=timezone.localdate, widget=DATE_WIDGET)
    representatives = SeatChoiceField(label=_("Representatives (part-time committee members)"), queryset=None,
                                      required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("None ticked: every seat held by a person from this unit."))

    def __init__(self, *args, user, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outside_unit"].queryset = outside_unit_choices(user=user)
        self.fields["representatives"].queryset = (PartTimeMember.objects.current().filter(**_in_area(conference, "seat"))
                                                   .select_related("home_unit", "seat").order_by("home_unit", "pk"))


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), initial=timezone.localdate, widget=DATE_WIDGET)
    title = forms.CharField(label=_("Title"), max_length=120)
    location = forms.CharField(label=_("Location"), max_length=120, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attendees = MemberUnitChoiceField(label=_("Member units present"), queryset=None, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (ConferenceMemberUnit.objects.filter(conference=conference,
                                                                                 left_on__isnull=True)
                                             .select_related("outside_unit"))


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))
    needs_work = forms.BooleanField(label=_("Needs work (becomes a case)"), required=False)
    unit = forms.CharField(label=_("Where the work is (unit code; blank: the conference's unit)"), max_length=32,
                           required=False)
    kind = forms.ChoiceField(label=_("Case kind"), choices=CaseKind.choices, initial=CaseKind.DIFFICULTY)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.OTHER)


class ResourceForm(forms.Form):
    member_unit = forms.ModelChoiceField(label=_("Offered by"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=blank(JointResourceKind.choices))
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), required=False, min_value=0, max_digits=12,
                                     decimal_places=2)
    volunteers = forms.IntegerField(label=_("Volunteers"), required=False, min_value=0)

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member_unit"]
        field.queryset = (ConferenceMemberUnit.objects.filter(conference=conference, left_on__isnull=True)
                          .select_related("outside_unit"))
        field.label_from_instance = lambda obj: str(obj.outside_unit)


class CommunityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class ProjectForm(forms.Form):
    """Match a need with a resource."""

    need = forms.ModelChoiceField(label=_("Need"), queryset=None)
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=None)
    title = forms.CharField(label=_("Title (blank: the need's)"), max_length=120, required=False)
    member_units = MemberUnitChoiceField(label=_("Member units involved (blank: the resource's)"), queryset=None,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    communities = CommunityChoiceField(label=_("Communities involved (blank: the need's)"), queryset=None,
                                       required=False, widget=forms.CheckboxSelectMultiple)
    matched_on = forms.DateField(label=_("Matched on"), initial=timezone.localdate, widget=DATE_WIDGET)

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = (JointNeed.objects.filter(conference=conference)
                                        .exclude(state=JointNeedState.CLOSED).select_related("unit"))
        self.fields["resource"].queryset = JointResource.objects.filter(conference=conference, is_active=True)
        self.fields["member_units"].queryset = (ConferenceMemberUnit.objects.filter(conference=conference,
                                                                                    left_on__isnull=True)
                                                .select_related("outside_unit"))
        self.fields["communities"].queryset = OrgUnit.objects.filter(
            **_in_area(conference), level=Level.COMMUNITY).order_by("lft")


class ProjectStepForm(forms.Form):
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE_WIDGET)
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    households_benefited = forms.IntegerField(label=_("Households benefited"), required=False, min_value=0)
    note = forms.CharField(label=_("Note or reason"), required=False, max_length=500)


class NeedForm(forms.Form):
    unit = forms.CharField(label=_("Community, compound or building code"), max_length=32)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NeedRaiseForm(forms.Form):
    """One click: the visit record or the case a need is raised from."""

    visit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    case = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("visit")) == bool(data.get("case")):
            raise forms.ValidationError(_("Name one visit record or one case."), code="one_source")
        return data


def is_conference_level(unit) -> bool:
    return LEVEL_OF_KIND.get(unit.kind) in (Level.DISTRICT, Level.STREET)
