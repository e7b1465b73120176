"""Forms of the grid pages: create and edit a grid, put a person on it, the catalogue of matters."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import GridRole
from ..selectors import grid_matter_choices, grid_unit_choices, outside_unit_choices
from .common import DATE_WIDGET, UnitChoiceField


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * max(obj.level - 3, 0)}{obj.name} ({obj.code})"


class GridCreateForm(forms.Form):
    community = forms.CharField(label=_("Community code"), max_length=32)
    code = forms.CharField(label=_("Grid code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class GridForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    units = UnitsChoiceField(label=_("Compounds and buildings"), queryset=None, required=False,
                             widget=forms.CheckboxSelectMultiple)
    matters = forms.ModelMultipleChoiceField(label=_("Matters handled in the grid"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = grid_unit_choices(grid)
        self.fields["matters"].queryset = grid_matter_choices(user=user)


class GridAssignmentForm(forms.Form):
    """A person on the grid: a party member found by full ID number, mobile or name (building leads,
    volunteers), a user account by its user name (grid workers), or only a name."""

    role = forms.ChoiceField(label=_("Role"), choices=GridRole.choices)
    member_q = forms.CharField(label=_("Member (full ID number, mobile or name)"), max_length=64, required=False)
    username = forms.CharField(label=_("User account (user name)"), max_length=150, required=False)
    person_name = forms.CharField(label=_("Name (when neither a member nor an account)"), max_length=64,
                                  required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    building = UnitChoiceField(label=_("Compound or building led"), queryset=None, required=False)
    valid_from = forms.DateField(label=_("From"), initial=timezone.localdate, widget=DATE_WIDGET)

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = grid_unit_choices(grid)

    def clean(self):
        data = super().clean()
        if not any((data.get("member_q") or "").strip() or (data.get(f) or "").strip()
                   for f in ("username", "person_name")):
            self.add_error("person_name", forms.ValidationError(_("Name a member, an account or a person."),
                                                                code="required"))
        return data


class GridMatterForm(forms.Form):
    registered_at = forms.CharField(label=_("Kept by (district or street code)"), max_length=32)
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(label=_("Responsible department"), queryset=None, required=False)
    sort_order = forms.IntegerField(label=_("Order"), required=False, min_value=0, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = outside_unit_choices(user=user)
