"""Input forms of the assessment pages (filters are FilterSets)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import OrgUnit

from .choices import IndicatorKind
from .models import Indicator, Scheme


class ScoreForm(forms.Form):
    """A reviewer's score of one reviewed indicator."""

    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label=_("Indicator"))
    score = forms.DecimalField(label=_("Score"), min_value=0, max_digits=6, decimal_places=2)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000)

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assessment is not None:
            self.fields["indicator"].queryset = Indicator.objects.filter(
                scheme_id=assessment.scheme_id, kind=IndicatorKind.REVIEWED).order_by("number")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class QuotaOverrideForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), to_field_name="code", label=_("Unit code"),
                                  widget=forms.TextInput(attrs={"maxlength": 32}))
    scheme = forms.ModelChoiceField(queryset=Scheme.objects.none(), label=_("Scheme"))
    cut_points = forms.IntegerField(label=_("Cut (points)"), min_value=0, max_value=25)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, user=None, year=None, **kwargs):
        from core.scoping import Action

        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["unit"].queryset = OrgUnit.objects.for_user(user, Action.VIEW)
            schemes = Scheme.objects.for_user(user, Action.CHANGE)
            self.fields["scheme"].queryset = schemes.filter(year=year) if year else schemes


class ReviewForm(forms.Form):
    """The year-end review of the reviewer unit."""

    review_score = forms.DecimalField(label=_("Year-end review score"), min_value=0, max_value=100, max_digits=6,
                                      decimal_places=2)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000)


class DebriefForm(forms.Form):
    """The 述职评议: the report, then the evaluators' votes counted by grade."""

    report = forms.CharField(label=_("Debrief report"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    good = forms.IntegerField(label=_("Votes good (好)"), min_value=0, initial=0)
    fairly_good = forms.IntegerField(label=_("Votes fairly good (较好)"), min_value=0, initial=0)
    average = forms.IntegerField(label=_("Votes average (一般)"), min_value=0, initial=0)
    poor = forms.IntegerField(label=_("Votes poor (差)"), min_value=0, initial=0)
