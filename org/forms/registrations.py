"""Forms of the dual-registration and part-time committee pages: register, seat, end.

They only parse input (units are typed as codes and resolved in scope by the views, members are found
through the member search); the services validate and write."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..selectors import outside_unit_choices
from .common import DATE_WIDGET

MAX_MEMBER_MATCHES = 20


class DualRegistrationCreateForm(forms.Form):
    """Who registers where: the member by full ID number, mobile or name (several matches are offered to
    pick from), the community by its code."""

    member_q = forms.CharField(label=_("Member (full ID number, mobile or name)"), max_length=64, required=False)
    member = forms.TypedChoiceField(label=_("Matching members"), required=False, coerce=int, empty_value=None,
                                    widget=forms.HiddenInput)
    community = forms.CharField(label=_("Community code"), max_length=32)
    commitment = forms.CharField(label=_("Commitment"), max_length=1000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    started_on = forms.DateField(label=_("Date of registration"), initial=timezone.localdate, widget=DATE_WIDGET)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A posted member id is resolved by the view (404 when out of scope, like a missing id).
        self.fields["member"].valid_value = lambda value: True

    def offer(self, members) -> None:
        """Show ``members`` (several matches of the search) to pick one from."""
        field = self.fields["member"]
        field.widget = forms.RadioSelect()
        field.choices = [(m.pk, f"{m.name} · {m.id_number_masked} · {m.unit.name if m.unit_id else '—'}")
                         for m in members]

    def clean(self):
        data = super().clean()
        if not data.get("member") and not (data.get("member_q") or "").strip():
            self.add_error("member_q", forms.ValidationError(_("Enter the member's ID number, mobile or name."),
                                                             code="required"))
        return data


class PartTimeMemberCreateForm(forms.Form):
    """A seat on a street or community committee (by code) for a person from an outside unit."""

    seat = forms.CharField(label=_("Committee (street or community code)"), max_length=32)
    person_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64)
    home_unit = forms.ModelChoiceField(label=_("Home unit"), queryset=None)
    post = forms.CharField(label=_("Post in home unit"), max_length=64, required=False)
    committee_post = forms.CharField(label=_("Post on the committee"), max_length=64, required=False)
    term_from = forms.DateField(label=_("Term from"), initial=timezone.localdate, widget=DATE_WIDGET)
    term_to = forms.DateField(label=_("Term to"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_unit"].queryset = outside_unit_choices(user=user)


class EndForm(forms.Form):
    """The day a registration or a term ends (today unless given); not before it began."""

    ended_on = forms.DateField(label=_("End date"), initial=timezone.localdate, widget=DATE_WIDGET)

    def __init__(self, *args, not_before=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.not_before = not_before

    def clean_ended_on(self):
        day = self.cleaned_data["ended_on"]
        if self.not_before is not None and day < self.not_before:
            raise forms.ValidationError(_("The end date is before the start date."), code="date_order")
        return day
