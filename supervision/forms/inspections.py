"""Forms of inspections 四不两直, supervision notices 督办通报 and accountability interviews 约谈问责 (the
lists' filters are in ``filtersets``)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import UnitCodeField

from ..choices import FindingDimension
from .common import BLANK, DATE, AnyIntChoiceField, DepartmentField


class InspectionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    inspectors = forms.CharField(label=_("Inspectors"), max_length=1000)
    places = forms.CharField(label=_("Places visited (unit codes, comma separated)"), required=False,
                             max_length=1000)
    unannounced = forms.BooleanField(label=_("Unannounced (四不两直)"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class FindingForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Dimension"))
    description = forms.CharField(label=_("Finding"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    unit = UnitCodeField(label=_("Unit code"))
    department = DepartmentField()
    key_task = AnyIntChoiceField(label=_("Key task"), required=False)
    rectification = forms.CharField(label=_("Rectification required"), required=False, max_length=4000)
    deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=DATE)

    def __init__(self, *args, tasks=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # the user's scope
        self.fields["dimension"].choices = FindingDimension.choices
        self.fields["key_task"].choices = BLANK + [(t.pk, str(t)) for t in tasks]


class RectificationFollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("Follow-up"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)


class NoticeIssueForm(forms.Form):
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    text = forms.CharField(label=_("Text"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()


class NoticeWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    interviewee = forms.CharField(label=_("Interviewee"), max_length=120)
    interviewer = forms.CharField(label=_("Interviewer"), max_length=120)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}))
