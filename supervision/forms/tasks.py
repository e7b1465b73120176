"""Forms of the responsibility and task lists 责任清单 / 任务清单 (the lists' filters are
``filtersets.KeyTaskFilter`` and ``filtersets.LetterFilter``)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AssignmentRole
from .common import DATE, AnyChoiceField, chips


class LetterIssueForm(forms.Form):
    target = AnyChoiceField(label=_("Street or department"))
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices, initial=AssignmentRole.LEAD,
                             widget=chips())
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    requirements = forms.CharField(label=_("Requirements"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)
        self.fields["issued_on"].initial = timezone.localdate()


class TaskAreaForm(forms.Form):
    """A new area of the year's task list (the district keeps the list)."""

    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Name"), max_length=120)


class KeyTaskForm(forms.Form):
    """A new key task in one of the year's areas."""

    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    title = forms.CharField(label=_("Key task"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, f"{a.number}. {a.name}") for a in areas]


class ProgressReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE)
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    completes = forms.BooleanField(label=_("The task is completed"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
