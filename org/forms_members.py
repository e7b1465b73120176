"""Forms of the member pages. They only parse input and offer scope-limited choices; the services
validate and write."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import Action

from .choices import Level
from .forms import DATE_WIDGET
from .models import (
    Education,
    MemberCategory,
    MemberStatus,
    OrgUnit,
    RegistrationKind,
    Standing,
    TransferState,
)
from .selectors import AGE_BANDS, outside_unit_choices

MEMBER_LEVELS = (Level.STREET, Level.COMMUNITY, Level.COMPOUND, Level.BUILDING)
RESIDENCE_LEVELS = (Level.COMPOUND, Level.BUILDING)


def _blank(choices):
    return [("", "---------"), *choices]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * max(obj.level - 1, 0)}{obj.name} ({obj.code})"


def member_unit_queryset(user, action: str = Action.CHANGE):
    """Units a user may place members in: in scope for ``action``, street level or below."""
    return OrgUnit.objects.for_user(user, action).filter(level__in=MEMBER_LEVELS).order_by("tree_id", "lft")


def residence_queryset(user):
    return OrgUnit.objects.for_user(user, Action.VIEW).filter(level__in=RESIDENCE_LEVELS).order_by("tree_id", "lft")


class MemberFilterForm(forms.Form):
    """The member list's filters (every field optional). The unit code is resolved by the view in scope."""

    q = forms.CharField(label=_("Search (name, unit, full ID number or mobile)"), required=False, max_length=64)
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_blank(MemberCategory.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(MemberStatus.choices))
    age_band = forms.ChoiceField(label=_("Age"), required=False, choices=_blank([
        ("under35", _("under 35")), ("35-45", _("35 to 45")), ("46-60", _("46 to 60")), ("over60", _("over 60")),
    ]))
    education = forms.ChoiceField(label=_("Education"), required=False, choices=_blank(Education.choices))
    joined_year = forms.IntegerField(label=_("Year joined"), required=False, min_value=1921, max_value=2100)

    def filters(self) -> dict:
        """The selector's keyword arguments (without the unit)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "search": (data.get("q") or "").strip() or None,
            "category": data.get("category") or None,
            "status": data.get("status") or None,
            "age_band": data.get("age_band") if data.get("age_band") in AGE_BANDS else None,
            "education": data.get("education") or None,
            "joined_year": data.get("joined_year"),
        }


class MemberForm(forms.Form):
    """Create or edit a member. On edit the ID number and phone are never pre-filled: blank keeps them."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=24)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    unit = UnitChoiceField(label=_("Party organisation"), queryset=OrgUnit.objects.none())
    education = forms.ChoiceField(label=_("Education"), required=False, choices=_blank(Education.choices))
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
            self.fields["unit"].queryset = member_unit_queryset(user)
            self.fields["id_number"].help_text = _("18 characters; the check digit is verified.")


class TransferRequestForm(forms.Form):
    """Where the member goes: a unit from the list (units the user governs) or any unit by its code
    (a member may be sent to another street; the receiving side approves)."""

    MAX_CHOICES = 300

    to_unit = forms.TypedChoiceField(label=_("Receiving unit"), required=False, coerce=int, empty_value=None)
    to_unit_code = forms.CharField(label=_("…or the receiving unit's code"), required=False, max_length=32,
                                   help_text=_("For a unit outside your own organisation."))
    letter_no = forms.CharField(label=_("Letter number"), max_length=64, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        targets = member_unit_queryset(user, Action.MOVE).exclude(pk=member.unit_id)[: self.MAX_CHOICES]
        self.fields["to_unit"].choices = _blank([(u.pk, f"{u.name} ({u.code})") for u in targets])
        # A posted id outside the list is resolved by the view (404 when out of scope, like a missing id).
        self.fields["to_unit"].valid_value = lambda value: True

    def clean(self):
        data = super().clean()
        if not data.get("to_unit") and not (data.get("to_unit_code") or "").strip():
            raise forms.ValidationError(_("Choose the receiving unit or enter its code."), code="required")
        return data


class TransferReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class TransferFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=_blank(TransferState.choices))


class DualRegistrationFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(RegistrationKind.choices))
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    ended = forms.BooleanField(label=_("Include ended"), required=False)


class PartTimeFilterForm(forms.Form):
    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    ended = forms.BooleanField(label=_("Include ended terms"), required=False)


class RosterImportForm(forms.Form):
    """The roster file and the unit whose subtree the import covers (codes resolve only inside it)."""

    unit = UnitChoiceField(label=_("Import into (with its subtree)"), queryset=OrgUnit.objects.none())
    file = forms.FileField(label=_("File (xlsx or csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .imports import default_scope_unit

        self.fields["unit"].queryset = OrgUnit.objects.for_user(user, Action.IMPORT).filter(
            level__lt=Level.BUILDING).order_by("tree_id", "lft")
        if not self.is_bound:
            self.fields["unit"].initial = default_scope_unit(user)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)})
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        return f
