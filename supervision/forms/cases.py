"""Forms of the cases 矛盾纠纷 / 实际困难: one form per transition on the case page (the API reuses them
for its input rules) and registering a case by hand (the list's filters are ``filtersets.CaseFilter``)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import (
    LEVEL_RANK,
    CaseAction,
    CaseKind,
    CaseSource,
    CaseState,
    Category,
    Priority,
    ResponsibleLevel,
    Satisfaction,
)
from .common import DATE, AnyIntChoiceField, DepartmentField, chips


class CaseActionForm(forms.Form):
    """Base of the per-action forms on the case page; ``kwargs()`` gives the service's arguments."""

    action = ""
    reason = forms.CharField(label=_("Reason / note"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.case = case

    def kwargs(self) -> dict:
        return {"reason": self.cleaned_data.get("reason", "")}


class AcceptForm(CaseActionForm):
    action = CaseAction.ACCEPT
    reason = None

    def kwargs(self):
        return {}


class StartForm(AcceptForm):
    action = CaseAction.START


def _levels(case, higher: bool, or_equal: bool = False):
    rank = LEVEL_RANK.get(getattr(case, "level", None), 1)
    out = []
    for level in ResponsibleLevel:
        r = LEVEL_RANK[level]
        if (higher and r > rank) or (not higher and (r < rank or (or_equal and r == rank))):
            out.append((level.value, level.label))
    return out


class EscalateForm(CaseActionForm):
    action = CaseAction.ESCALATE
    to_level = forms.ChoiceField(label=_("Escalate to"))
    department = DepartmentField(help_text=_("Only when escalating to a district department."))
    is_hard = forms.BooleanField(label=_("Mark as hard case"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = _levels(self.case, higher=True)
        self.fields["reason"].required = True

    def kwargs(self):
        d = self.cleaned_data
        return {"to_level": d["to_level"], "department": d.get("department"), "reason": d["reason"],
                "is_hard": True if d.get("is_hard") else None}


class ReturnForm(CaseActionForm):
    action = CaseAction.RETURN
    to_level = forms.ChoiceField(label=_("Return to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        strictly = getattr(self.case, "state", None) == CaseState.ESCALATED
        self.fields["to_level"].choices = [
            c for c in _levels(self.case, higher=False, or_equal=not strictly) if c[0] != ResponsibleLevel.DEPARTMENT
        ]
        self.fields["reason"].required = True

    def kwargs(self):
        return {"to_level": self.cleaned_data["to_level"], "reason": self.cleaned_data["reason"]}


class SendToConsultationForm(CaseActionForm):
    action = CaseAction.SEND_TO_CONSULTATION

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


class ResolveForm(CaseActionForm):
    action = CaseAction.RESOLVE
    reason = None
    resolution = forms.CharField(label=_("How it was resolved"), max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("Resolved on"), required=False, widget=DATE)
    households_affected = forms.IntegerField(label=_("Households affected"), required=False, min_value=0)
    amount_yuan = forms.DecimalField(label=_("Amount involved (yuan)"), required=False, min_value=0,
                                     max_digits=14, decimal_places=2)

    def kwargs(self):
        d = self.cleaned_data
        return {"resolution": d["resolution"], "on": d.get("on"), "households_affected": d.get("households_affected"),
                "amount_yuan": d.get("amount_yuan")}


class FollowUpForm(CaseActionForm):
    action = CaseAction.FOLLOW_UP
    satisfaction = forms.ChoiceField(label=_("Resident satisfaction"), choices=Satisfaction.choices, widget=chips())

    def kwargs(self):
        return {"satisfaction": self.cleaned_data["satisfaction"], "reason": self.cleaned_data.get("reason", "")}


class ReopenForm(CaseActionForm):
    action = CaseAction.REOPEN


class AssignForm(CaseActionForm):
    action = CaseAction.ASSIGN
    due_on = forms.DateField(label=_("New deadline"), required=False, widget=DATE)
    department = DepartmentField(help_text=_("Only for a case held by a district department."))

    def kwargs(self):
        d = self.cleaned_data
        return {"due_on": d.get("due_on"), "department": d.get("department"), "reason": d.get("reason", "")}


class ReprioritiseForm(CaseActionForm):
    action = CaseAction.REPRIORITISE
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, widget=chips())
    is_hard = forms.BooleanField(label=_("Hard case"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None:
            self.fields["priority"].initial = self.case.priority
            self.fields["is_hard"].initial = self.case.is_hard

    def kwargs(self):
        d = self.cleaned_data
        return {"priority": d["priority"], "is_hard": bool(d.get("is_hard")), "reason": d.get("reason", "")}


# Button texts (imperative); the CaseAction labels name the recorded event instead.
ACTION_BUTTONS = {
    CaseAction.ACCEPT: _("Accept"),
    CaseAction.START: _("Start work"),
    CaseAction.ESCALATE: _("Escalate"),
    CaseAction.RETURN: _("Return"),
    CaseAction.SEND_TO_CONSULTATION: _("Send to the quarterly consultation"),
    CaseAction.RESOLVE: _("Resolve"),
    CaseAction.FOLLOW_UP: _("Record the resident's satisfaction"),
    CaseAction.REOPEN: _("Reopen"),
    CaseAction.ASSIGN: _("Assign / set a new deadline"),
    CaseAction.REPRIORITISE: _("Change priority"),
}

CASE_ACTION_FORMS: dict[str, type[CaseActionForm]] = {
    form.action: form
    for form in (AcceptForm, StartForm, EscalateForm, ReturnForm, SendToConsultationForm, ResolveForm, FollowUpForm,
                 ReopenForm, AssignForm, ReprioritiseForm)
}


class CaseRegisterForm(forms.Form):
    """A case that does not come from a visit (hotline, 1+N meeting, inspection, other)."""

    unit = AnyIntChoiceField(label=_("Unit"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, widget=chips())
    source = forms.ChoiceField(label=_("Source"), widget=chips())
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices, widget=chips())
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    parties = forms.CharField(label=_("Parties"), required=False, max_length=200)
    source_ref = forms.CharField(label=_("Source reference"), required=False, max_length=100)
    households_affected = forms.IntegerField(label=_("Households affected"), required=False, min_value=0, initial=0)
    is_hard = forms.BooleanField(label=_("Hard case"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, "\u3000" * max(u.level - 1, 0) + u.name) for u in units]
        self.fields["source"].choices = [c for c in CaseSource.choices if c[0] != CaseSource.VISIT]
