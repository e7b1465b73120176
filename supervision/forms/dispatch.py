"""Forms of the monthly dispatch 月调度 (the list's filter is ``filtersets.DispatchSheetFilter``)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import DispatchDecisionAction, Priority, ResponsibleLevel
from .common import BLANK, DATE, MONTH, AnyChoiceField, DepartmentField, PeriodField


class SheetGenerateForm(forms.Form):
    period = PeriodField(MONTH, label=_("Month (YYYY-MM)"))
    target = AnyChoiceField(label=_("Street or department"))
    regenerate = forms.BooleanField(label=_("Refresh an existing sheet from the records"), required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)
        today = timezone.localdate()
        self.fields["period"].initial = f"{today.year:04d}-{today.month:02d}"


class DispatchMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    attendees = forms.CharField(label=_("Attendees"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Summary"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class DispatchDecisionForm(forms.Form):
    """The decision on one case of the sheet (prefix ``c<case id>``); no action = no decision."""

    action = forms.ChoiceField(label=_("Decision"), required=False,
                               choices=BLANK + list(DispatchDecisionAction.choices))
    due_on = forms.DateField(label=_("New deadline"), required=False, widget=DATE)
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=BLANK + list(Priority.choices))
    to_level = forms.ChoiceField(label=_("Escalate to"), required=False,
                                 choices=BLANK + list(ResponsibleLevel.choices))
    department = DepartmentField()
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def spec(self, case) -> dict | None:
        d = self.cleaned_data
        action = d.get("action")
        if not action:
            return None
        note = (d.get("note") or "").strip()
        spec = {"case": case, "action": action, "note": note}
        if action == DispatchDecisionAction.ASSIGN:
            spec.update(due_on=d.get("due_on"), department=d.get("department"), reason=note)
        elif action == DispatchDecisionAction.REPRIORITISE:
            spec.update(priority=d.get("priority") or "", reason=note)
        elif action == DispatchDecisionAction.ESCALATE:
            spec.update(to_level=d.get("to_level") or "", department=d.get("department"), reason=note)
        return spec
