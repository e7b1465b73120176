"""Entry forms of the guarantee-system pages: a term, the end of a seat, a pairing and its end, a
training session and its attendance, the operating-fund standard, a fund allocation and a spending,
premises, a renovation project and its acceptance, a revived idle office, a shared venue of a resident
unit, a cadre's career event and staff stationed in a street. They only parse input; every choice is
limited to what the user may pick (``for_user`` / ``pickable_by``; a person by ID number or mobile
through ``selectors.member_pick``), and the services check scope again and write."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import Action, subtree_q
from org.choices import COMMUNITY_KINDS, STREET_KINDS
from org.models import OrgUnit, OutsideUnit, OutsideUnitKind

from ..choices import (
    CareerEventKind,
    CommunityClass,
    FundKind,
    FundSource,
    PremiseKind,
    ProjectKind,
    TrainingForm,
    VenueKind,
)
from ..models import Seat

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"min_value": 0, "max_digits": 14, "decimal_places": 2}


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


def changeable_communities(user):
    """Communities the user may edit (CHANGE over the community)."""
    return (OrgUnit.objects.for_user(user, Action.CHANGE).filter(kind__in=COMMUNITY_KINDS)
            .order_by("tree_id", "lft"))


def communities_under_changeable(user):
    """Communities whose street the user may edit (allocations and renovations are the street's)."""
    return (OrgUnit.objects.filter(kind__in=COMMUNITY_KINDS,
                                   parent__in=OrgUnit.objects.for_user(user, Action.CHANGE).values("pk"))
            .order_by("tree_id", "lft"))


class TermCreateForm(forms.Form):
    community = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=999)
    elected_on = forms.DateField(label=_("Election date"), widget=DATE)
    starts_on = forms.DateField(label=_("Term starts"), widget=DATE, required=False,
                                help_text=_("Empty: the election date."))
    ends_on = forms.DateField(label=_("Term ends"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = changeable_communities(user)


class SeatEndForm(forms.Form):
    left_on = forms.DateField(label=_("Left the committee on"), widget=DATE, initial=timezone.localdate)


class PairingCreateForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Paired district unit"), queryset=OutsideUnit.objects.none())
    community = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    starts_on = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("To"), widget=DATE, required=False)
    focus = forms.CharField(label=_("Focus of the support"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = OutsideUnit.objects.pickable_by(user, Action.CHANGE).order_by("code")
        self.fields["community"].queryset = changeable_communities(user)


class TrainingSessionForm(forms.Form):
    organiser = UnitField(label=_("Organiser"), queryset=OrgUnit.objects.none())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    place = forms.CharField(label=_("Place"), max_length=120)
    form = forms.ChoiceField(label=_("Form"), choices=TrainingForm.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("To"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = OrgUnit.objects.for_user(user, Action.CHANGE).filter(
            level__lte=2).order_by("tree_id", "lft")


class SeatChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, seat):
        posts = " / ".join(p for p in (seat.get_party_post_display() if seat.party_post else "",
                                        seat.get_residents_post_display() if seat.residents_post else "") if p)
        return f"{seat.person_name} · {seat.term.community.name} · {posts}"


def attendable_seats(user, organiser):
    """Seats of running terms, not left, in the organiser's subtree and in the user's view."""
    return (Seat.objects.for_user(user, Action.VIEW)
            .filter(subtree_q(organiser, "term__community"), term__ends_on__isnull=True, left_on__isnull=True)
            .select_related("term__community")
            .order_by("term__community__tree_id", "term__community__lft", "party_post", "residents_post", "pk"))


class AttendanceForm(forms.Form):
    seats = SeatChoiceField(label=_("Committee members who attended"), queryset=Seat.objects.none(),
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seats"].queryset = attendable_seats(user, session.organiser).exclude(
            attendances__session=session)


class AllocationForm(forms.Form):
    community = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    kind = forms.ChoiceField(label=_("Kind of funds"), choices=FundKind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=FundSource.choices, initial=FundSource.FINANCE)
    project = forms.CharField(label=_("Project"), max_length=120, required=False,
                              help_text=_("Required for project funds."))
    allocated_on = forms.DateField(label=_("Allocated on"), widget=DATE, initial=timezone.localdate)
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_under_changeable(user)


class SpendingForm(forms.Form):
    spent_on = forms.DateField(label=_("Spent on"), widget=DATE, initial=timezone.localdate)
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)


class PremiseForm(forms.Form):
    community = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PremiseKind.choices, initial=PremiseKind.OFFICE)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), min_value=0, max_digits=10, decimal_places=1)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = changeable_communities(user)


class RenovationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    budget_yuan = forms.DecimalField(label=_("Budget (yuan)"), **MONEY)
    spent_yuan = forms.DecimalField(label=_("Spent (yuan)"), initial=0, **MONEY)
    started_on = forms.DateField(label=_("Started on"), widget=DATE, initial=timezone.localdate)
    added_area_m2 = forms.DecimalField(label=_("Added area (m²)"), min_value=0, max_digits=10, decimal_places=1,
                                       initial=0)


class RenovationAcceptForm(forms.Form):
    """验收 of a renovation or expansion project, with its final spend."""

    accepted_on = forms.DateField(label=_("Accepted on"), widget=DATE, initial=timezone.localdate)
    spent_yuan = forms.DecimalField(label=_("Final spend (yuan)"), **MONEY)


class IdleRevivalForm(forms.Form):
    community = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Office"), max_length=120)
    former_use = forms.CharField(label=_("Former use"), max_length=120, required=False)
    new_use = forms.CharField(label=_("New use"), max_length=120)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), min_value=0, max_digits=10, decimal_places=1)
    revived_on = forms.DateField(label=_("Revived on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_under_changeable(user)


class OutsideUnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class SharedVenueForm(forms.Form):
    """A venue of a resident unit (picked from the registered outside units) opened to a community."""

    host = OutsideUnitField(label=_("Resident unit"), queryset=OutsideUnit.objects.none(),
                            help_text=_("Pick the registered unit; a unit that is missing is registered first."))
    community = UnitField(label=_("Community"), queryset=OrgUnit.objects.none())
    name = forms.CharField(label=_("Venue"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueKind.choices)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), min_value=0, max_digits=10, decimal_places=1, required=False)
    opening_terms = forms.CharField(label=_("Opening terms"), max_length=200,
                                    help_text=_("When and to whom the venue is open, e.g. weekends, free of charge."))
    starts_on = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("To"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = OutsideUnit.objects.pickable_by(user, Action.CHANGE)
        self.fields["community"].queryset = changeable_communities(user)


class CareerEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CareerEventKind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("E.g. the post or the unit recruited into."))


class StationedStaffForm(forms.Form):
    """力量下沉: a person of a district department stationed in a street. A party member is picked by ID
    number or mobile (the name comes from the member record); anyone else is entered by name."""

    department = OutsideUnitField(label=_("District department"), queryset=OutsideUnit.objects.none())
    street = UnitField(label=_("Street"), queryset=OrgUnit.objects.none())
    lookup = forms.CharField(label=_("Member's ID number or mobile"), required=False, max_length=32,
                             help_text=_("Leave empty for a person who is not a party member."))
    person_name = forms.CharField(label=_("Name (non-members)"), required=False, max_length=64)
    post = forms.CharField(label=_("Post"), max_length=64, required=False)
    starts_on = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("To"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = OutsideUnit.objects.pickable_by(user, Action.CHANGE).filter(
            kind=OutsideUnitKind.DISTRICT_DEPARTMENT)
        self.fields["street"].queryset = stationable_streets(user)

    def clean(self):
        data = super().clean()
        if not data.get("lookup") and not (data.get("person_name") or "").strip():
            self.add_error("person_name", forms.ValidationError(_("Required for a non-member."), code="required"))
        return data


def stationable_streets(user):
    """Streets and towns the user may edit: where they may station department staff."""
    return OrgUnit.objects.for_user(user, Action.CHANGE).filter(kind__in=STREET_KINDS).order_by("tree_id", "lft")


class EndForm(forms.Form):
    """The end date of a pairing or of a stationing."""

    ends_on = forms.DateField(label=_("Ended on"), widget=DATE, initial=timezone.localdate)


class FundStandardForm(forms.Form):
    """运转经费标准: yuan per community per year for a class of community, set by the district."""

    owner = UnitField(label=_("District"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    community_class = forms.ChoiceField(label=_("Class of community"), choices=CommunityClass.choices)
    amount_yuan = forms.DecimalField(label=_("Yuan per community per year"), **MONEY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = districts_changeable(user)
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk


def districts_changeable(user):
    """The tree roots (districts) the user may edit: who sets the operating-fund standard."""
    return OrgUnit.objects.for_user(user, Action.CHANGE).filter(parent__isnull=True).order_by("tree_id")
