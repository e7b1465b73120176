"""Forms of the delegated service items 下放服务事项: create / edit, and withdraw. They only parse input;
the services validate, check scope and write the history."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import OutsideUnit, OutsideUnitKind

from ..choices import ReceivingLevel
from .common import DATE, DepartmentChoiceField


def delegating_departments(user):
    """The district departments a user may pick (``OutsideUnit.pickable_by``: registered at or above
    their units), active ones only."""
    return OutsideUnit.objects.pickable_by(user).filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT)


class DelegatedItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Item"), max_length=200)
    department = DepartmentChoiceField(label=_("Delegating department"), queryset=OutsideUnit.objects.none())
    receiving_level = forms.ChoiceField(label=_("Approval delegated to"), choices=ReceivingLevel.choices)
    delegated_on = forms.DateField(label=_("Delegated since"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=1000)

    FIELDS = ("code", "name", "department", "receiving_level", "delegated_on", "note")

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = delegating_departments(user)
        if not editing:
            del self.fields["reason"]
            self.fields["delegated_on"].initial = timezone.localdate()

    def values(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class DelegatedItemWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE)
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].initial = timezone.localdate()
