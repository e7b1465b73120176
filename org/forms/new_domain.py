"""Forms of the new-domain party organisation pages: create / edit, and end. They only parse input; the
services (``new_domain_org_create/update/end``) validate, check scope and write."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import Action

from ..choices import NewDomainKind, PartyOrgType, UnitKind
from ..models import OrgUnit
from .common import DATE_WIDGET

# A new-domain organisation is attached to a street (town) or a community (village).
ATTACH_KINDS = (UnitKind.STREET, UnitKind.TOWN, UnitKind.COMMUNITY, UnitKind.VILLAGE)
EDIT_FIELDS = ("kind", "code", "name", "party_org_type", "party_org_founded", "party_secretary", "address")


def attach_units(user):
    """Streets and communities the user may attach an organisation to (CHANGE scope), in tree order."""
    return list(OrgUnit.objects.for_user(user, Action.CHANGE).filter(kind__in=ATTACH_KINDS)
                .order_by("tree_id", "lft").only("id", "code", "name", "level"))


class NewDomainOrgForm(forms.Form):
    """``unit`` is an id chosen from the user's streets and communities; the view fetches it in scope
    (another subtree's id is a 404, like a missing one)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=NewDomainKind.choices)
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=120)
    unit = forms.IntegerField(label=_("Attached to (street or community)"), widget=forms.Select)
    party_org_type = forms.ChoiceField(label=_("Party organisation"), choices=PartyOrgType.choices, required=False)
    party_org_founded = forms.DateField(label=_("Party organisation founded"), required=False, widget=DATE_WIDGET)
    party_secretary = forms.CharField(label=_("Party secretary"), max_length=64, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", "---------")] + [
            (u.pk, f"{'· ' * max(u.level - 1, 0)}{u.name} ({u.code})") for u in units]

    def values(self) -> dict:
        """The service's keyword arguments, without ``unit`` (the view resolves it)."""
        return {f: self.cleaned_data[f] for f in EDIT_FIELDS}


class NewDomainOrgEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason for ending"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()
