from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Education, Gender

from ..choices import PartyPost, ResidentsPost

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SeatForm(forms.Form):
    """Seat a person: a party member is picked by ID number or mobile (their data comes from the member
    record); anyone else is entered by name, birth date, gender and education."""

    lookup = forms.CharField(label=_("Member's ID number or mobile"), required=False, max_length=32,
                             help_text=_("Leave empty for a person who is not a party member."))
    person_name = forms.CharField(label=_("Name (non-members)"), required=False, max_length=64)
    birth_date = forms.DateField(label=_("Birth date (non-members)"), required=False, widget=DATE)
    gender = forms.ChoiceField(label=_("Gender (non-members)"), required=False,
                               choices=[("", "---------"), *Gender.choices])
    education = forms.ChoiceField(label=_("Education (non-members)"), required=False,
                                  choices=[("", "---------"), *Education.choices])
    party_post = forms.ChoiceField(label=_("Party committee post"), required=False, choices=PartyPost.choices)
    residents_post = forms.ChoiceField(label=_("Residents' committee post"), required=False,
                                       choices=ResidentsPost.choices)

    def clean(self):
        data = super().clean()
        if not data.get("lookup"):
            for field in ("person_name", "birth_date", "gender", "education"):
                if not data.get(field):
                    self.add_error(field, forms.ValidationError(_("Required for a non-member."), code="required"))
        return data


class SeatImportForm(forms.Form):
    file = forms.FileField(label=_("Roster (xlsx or csv)"))
    confirm = forms.BooleanField(label=_("Import now (otherwise preview only)"), required=False)
