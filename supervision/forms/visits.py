"""Forms of the weekly visit records 周纪实 (the list's filters are ``filtersets.VisitFilter``)."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import UnitCodeField

from ..choices import CaseKind, Category
from .common import DATE, AnyIntChoiceField, chips


class VisitForm(forms.Form):
    """The quick visit form: a few fields, sensible defaults (today, the cadre's own community)."""

    place = AnyIntChoiceField(label=_("Where"))
    visited_on = forms.DateField(label=_("Date"), widget=DATE)
    households = forms.CharField(label=_("Households visited"), required=False, max_length=200,
                                 widget=forms.TextInput(attrs={"placeholder": _("e.g. 3-201, 3-202")}))
    households_count = forms.IntegerField(label=_("Number of households"), min_value=1, max_value=9999, initial=1,
                                          widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    heard = forms.CharField(label=_("What residents said"), max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices, initial=Category.OTHER,
                                 widget=chips())
    needs_follow_up = forms.BooleanField(label=_("Needs follow-up"), required=False)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [(u.pk, "\u3000" * max(u.level - 2, 0) + u.name) for u in places]
        self.fields["visited_on"].initial = timezone.localdate()


class VisitCaseForm(forms.Form):
    """One case raised from the visit (blank title = no case)."""

    title = forms.CharField(label=_("Case title"), required=False, max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.DIFFICULTY,
                             required=False, widget=chips())
    parties = forms.CharField(label=_("Parties"), required=False, max_length=200)
    is_hard = forms.BooleanField(label=_("Hard case"), required=False)

    def case_spec(self) -> dict | None:
        data = self.cleaned_data
        if not (data.get("title") or "").strip():
            return None
        return {"title": data["title"].strip(), "kind": data.get("kind") or CaseKind.DIFFICULTY,
                "parties": (data.get("parties") or "").strip(), "is_hard": bool(data.get("is_hard"))}


class CoverageForm(forms.Form):
    """The coverage page's range: a unit code in ``units`` (the user's scope) and two dates."""

    unit = UnitCodeField()
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
