"""Forms of the transfer pages: request a transfer, return one with a reason."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import Action

from .common import blank, member_unit_queryset


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
        self.fields["to_unit"].choices = blank([(u.pk, f"{u.name} ({u.code})") for u in targets])
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
