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


class ActionForm(forms.Form):
    """No input: carries the errors of a service called by a button (bound, so errors can be added)."""

    @classmethod
    def bound(cls) -> "ActionForm":
        form = cls({})
        form.is_valid()
        return form


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


class SchemeCopyForm(forms.Form):
    """Copy a scheme with its indicators to a new year (a draft)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=120, required=False,
                           help_text=_("Leave empty to take the old name with the new year."))


class IndicatorForm(forms.Form):
    """A draft scheme's indicator: computed by a rule (with its parameters) or reviewed; weight, maximum,
    points deducted per step and the deduction cap."""

    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999)
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    area_name = forms.CharField(label=_("Area"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    rule_kind = forms.ChoiceField(label=_("Rule"), required=False)
    params = forms.JSONField(label=_("Parameters"), required=False, initial=dict,
                             help_text=_('A JSON object, e.g. {"expected": 2}.'),
                             widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=6, decimal_places=2, initial=1)
    maximum = forms.DecimalField(label=_("Maximum score"), min_value=0, max_digits=6, decimal_places=2)
    step = forms.DecimalField(label=_("Points deducted per step"), min_value=0, max_digits=6, decimal_places=2,
                              initial=0)
    cap = forms.DecimalField(label=_("Deduction cap"), min_value=0, max_digits=6, decimal_places=2, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    FIELDS = ("number", "code", "name", "area_name", "kind", "rule_kind", "params", "weight", "maximum", "step",
              "cap", "description")

    def __init__(self, *args, scheme=None, **kwargs):
        from .rules import rule_choices

        super().__init__(*args, **kwargs)
        kind = scheme.assessee_kind if scheme is not None else None
        self.fields["rule_kind"].choices = [("", "—"), *rule_choices(kind)]

    def clean_params(self):
        params = self.cleaned_data.get("params")
        if params in (None, ""):
            return {}
        if not isinstance(params, dict):
            raise forms.ValidationError(_("Parameters are an object."), code="bad_params")
        return params

    def values(self) -> dict:
        d = dict(self.cleaned_data)
        if d.get("kind") == IndicatorKind.REVIEWED:
            d["rule_kind"], d["params"] = "", {}
        return {k: d[k] for k in self.FIELDS}

    @classmethod
    def initial_of(cls, indicator) -> dict:
        return {k: getattr(indicator, k) for k in cls.FIELDS}
