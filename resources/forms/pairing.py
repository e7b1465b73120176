from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.choices import Category

from ..choices import SupportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupportRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    given_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, max_digits=14, decimal_places=2,
                                     initial=0)


class DifficultyForm(forms.Form):
    title = forms.CharField(label=_("Difficulty"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.OTHER)
