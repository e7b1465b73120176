"""The cockpit's, the report's and the figures API's parameters: a unit code and a year."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import MAX_YEAR, MIN_YEAR


class PeriodForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=32)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)


class SeriesForm(PeriodForm):
    key = forms.CharField(label=_("Figure key"), max_length=80)

    def clean_key(self):
        from .selectors import SERIES

        key = self.cleaned_data["key"].strip()
        if key not in SERIES:
            raise forms.ValidationError(_("No monthly series for this key."), code="unknown_key")
        return key
