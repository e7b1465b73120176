"""Forms of the quarterly consultation 季化解 (the list's filter is ``filtersets.ConsultationFilter``)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ConsultationDecision, ResponsibleLevel
from .common import BLANK, DATE, QUARTER, AnyIntChoiceField, DepartmentField, PeriodField


class ConsultationBuildForm(forms.Form):
    period = PeriodField(QUARTER, label=_("Quarter (YYYY-Qn)"))
    unit = AnyIntChoiceField(label=_("District or street"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        today = timezone.localdate()
        self.fields["period"].initial = f"{today.year:04d}-Q{(today.month - 1) // 3 + 1}"


class ConsultationRecordForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    participants = forms.CharField(label=_("Participants"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ConsultationDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[c for c in ConsultationDecision.choices if c[0]])
    note = forms.CharField(label=_("Decision note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.CharField(label=_("How it was resolved"), required=False, max_length=4000)
    to_level = forms.ChoiceField(label=_("Escalate to"), required=False, choices=BLANK + list(ResponsibleLevel.choices))
    department = DepartmentField()
    due_on = forms.DateField(label=_("New deadline"), required=False, widget=DATE)

    def kwargs(self) -> dict:
        d = self.cleaned_data
        return {"decision": d["decision"], "note": d.get("note", ""), "resolution": d.get("resolution", ""),
                "to_level": d.get("to_level") or None, "department": d.get("department"), "due_on": d.get("due_on")}
