"""Forms of the member pages. They only parse input and offer scope-limited choices; the services
validate and write."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.concurrency import VersionField
from core.scoping import Action

from ..choices import Level
from ..models import Education, MemberCategory, MemberStatus, OrgUnit, Standing
from ..selectors import outside_unit_choices
from .common import DATE_WIDGET, UnitChoiceField, blank, member_unit_queryset

RESIDENCE_LEVELS = (Level.COMPOUND, Level.BUILDING)


def residence_queryset(user):
    return OrgUnit.objects.for_user(user, Action.VIEW).filter(level__in=RESIDENCE_LEVELS).order_by("tree_id", "lft")


class MemberForm(forms.Form):
    """Create or edit a member. On edit the ID number and phone are never pre-filled: blank keeps them."""

    version = VersionField()

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=24)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    unit = UnitChoiceField(label=_("Party organisation"), queryset=OrgUnit.objects.none())
    education = forms.ChoiceField(label=_("Education"), required=False, choices=blank(Education.choices))
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=16, required=False)
    joined_on = forms.DateField(label=_("Joined the party on"), required=False, widget=DATE_WIDGET)
    standing = forms.ChoiceField(label=_("Standing"), choices=Standing.choices, initial=Standing.FULL)
    category = forms.ChoiceField(label=_("Category"), choices=MemberCategory.choices, initial=MemberCategory.OTHER)
    work_unit = forms.ModelChoiceField(label=_("Work unit"), required=False, queryset=None)
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices, initial=MemberStatus.NORMAL)
    residence = UnitChoiceField(label=_("Residence (compound or building)"), required=False,
                                queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["work_unit"].queryset = outside_unit_choices(user=user)
        self.fields["residence"].queryset = residence_queryset(user)
        if editing:
            # The org relationship changes through a transfer, never by editing.
            del self.fields["unit"]
            for name in ("id_number", "phone"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Leave blank to keep the stored value (it is never shown here).")
            self.fields["clear_phone"] = forms.BooleanField(label=_("Remove the stored phone number"),
                                                            required=False)
        else:
            # A new record has no version to compare.
            del self.fields["version"]
            self.fields["unit"].queryset = member_unit_queryset(user)
            self.fields["id_number"].help_text = _("18 characters; the check digit is verified.")
