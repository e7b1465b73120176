"""Figures of the guarantee system (shared/figures.md, keys resources.*), computed from records over the
unit's subtree (the unit included). Counts and sums add up over a district's streets; averages and
shares are computed from those sums (see ``selectors`` for the term statistics and why the changes of
under-35 and college are changes of shares)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.scoping import subtree_q
from org.choices import UnitKind
from org.models import OrgUnit
from supervision.choices import DONE_STATES

from .choices import CareerEventKind, FundKind
from .models import CareerEvent, FundAllocation, IdleRevival, Pairing, PairingDifficulty, RenovationProject
from .selectors import latest_term_number, term_comparison


def _num(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    return int(value) if float(value).is_integer() else round(value, 1)


def compute(unit, year=None) -> dict:
    year = year or timezone.localdate().year
    year_end = dt.date(year, 12, 31)
    out: dict = {}
    number = latest_term_number(unit, year)
    if number is not None:
        cmp = term_comparison(unit, number)
        out.update({
            "resources.committee_members": cmp.current.members,
            "resources.committee_avg_age": cmp.avg_age,
            "resources.committee_avg_age_change": cmp.avg_age_change,
            "resources.committee_under_35": cmp.current.young,
            "resources.committee_under_35_change_pct": cmp.young_change_pct,
            "resources.committee_college": cmp.current.college,
            "resources.committee_college_change_pct": cmp.college_change_pct,
            "resources.one_shoulder": cmp.current.one_shoulder,
        })
        urban = OrgUnit.objects.filter(subtree_q(unit), kind=UnitKind.COMMUNITY).count()
        if urban:
            out["resources.one_shoulder_pct"] = round(cmp.current.one_shoulder * 100 / urban, 1)
        out = {k: v for k, v in out.items() if v is not None}
    operating = FundAllocation.objects.filter(subtree_q(unit, "community"), community__kind=UnitKind.COMMUNITY,
                                              year=year, kind=FundKind.OPERATING).aggregate(
        total=Sum("amount_yuan"), communities=Count("community", distinct=True))
    if operating["communities"]:
        out["resources.operating_funds_per_community_yuan"] = _num(
            (operating["total"] / operating["communities"]).quantize(Decimal("1")))
    renovations = RenovationProject.objects.filter(subtree_q(unit, "premise__community"),
                                                   started_on__lte=year_end).aggregate(
        money=Sum("spent_yuan"), offices=Count("premise", distinct=True))
    revived = IdleRevival.objects.filter(subtree_q(unit, "community"), revived_on__lte=year_end).aggregate(
        n=Count("pk"), area=Sum("area_m2"))
    out.update({
        "resources.renovation_funds_yuan": _num(renovations["money"] or 0),
        "resources.renovated_offices": renovations["offices"],
        "resources.revived_offices": revived["n"],
        "resources.revived_area_m2": _num(revived["area"] or 0),
        "resources.cadres_to_civil_service": CareerEvent.objects.filter(
            subtree_q(unit, "seat__term__community"), kind=CareerEventKind.CIVIL_SERVICE,
            happened_on__lte=year_end).count(),
        # point-to-point pairings (unit, community) running in the year: adds up over streets
        "resources.paired_units": Pairing.objects.filter(subtree_q(unit, "community")).running_in(year)
        .values("partner", "community").distinct().count(),
        "resources.pairing_difficulties_solved": PairingDifficulty.objects.filter(
            Q(case__state__in=DONE_STATES, case__resolved_on__lte=year_end),
            subtree_q(unit, "pairing__community")).count(),
    })
    return out
