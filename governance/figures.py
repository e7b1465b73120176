"""Figures of the governance system (shared/figures.md, keys governance.*), computed from records over
the unit's subtree (the unit included), so a district's counts are the sums of its streets'."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from core.scoping import subtree_q
from org.models import PartTimeMember

from .choices import ACTIVE_INCUBATED_STAGES, ADOPTED_OUTCOMES, CommitteeKind, MeetingState, TopicState
from .models import (
    AgendaItem,
    Brand,
    Committee,
    CommitteeSeat,
    FloatingMember,
    Meeting,
    Posting,
    SocialOrganisation,
    Topic,
)
from .models.base import current_q


def _pct(part: int, whole: int) -> float:
    return round(part * 100.0 / whole, 1) if whole else 0.0


def _day(year: int) -> dt.date:
    """The reference day of ``year``: today in the current year, else its last day."""
    today = timezone.localdate()
    return today if year == today.year else dt.date(year, 12, 31)


def compute(unit, year=None) -> dict:
    year = year or timezone.localdate().year
    day = _day(year)
    sub = lambda path: subtree_q(unit, path)  # noqa: E731
    sitting = Q(committee__kind=CommitteeKind.OWNERS, committee__term_start__lte=day, committee__term_end__gte=day,
                committee__dissolved_on__isnull=True)
    seats = CommitteeSeat.objects.filter(sub("committee__unit"), sitting, current_q(day))
    seat_count = seats.count()
    adopted = AgendaItem.objects.filter(sub("meeting__unit"), outcome__in=ADOPTED_OUTCOMES,
                                        meeting__held_on__year=year)
    adopted_count = adopted.count()
    floating = FloatingMember.objects.filter(sub("origin_unit"), left_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    floating_count = floating.count()
    return {
        "governance.social_organisations": SocialOrganisation.objects.filter(
            sub("unit"), stage__in=ACTIVE_INCUBATED_STAGES, stage_since__lte=day).count(),
        "governance.instructors": Posting.objects.filter(sub("unit"), current_q(day)).count(),
        "governance.meetings": Meeting.objects.filter(sub("unit"), state=MeetingState.HELD,
                                                      held_on__year=year).count(),
        "governance.topics": Topic.objects.filter(sub("unit"), raised_on__year=year).count(),
        "governance.resolutions_adopted": adopted_count,
        "governance.resolutions_done_pct": _pct(adopted.filter(topic__state=TopicState.DONE).count(), adopted_count),
        "governance.compounds_with_owners_committee": _compounds_with_committee(unit, day),
        "governance.owners_committee_party_member_pct": _pct(seats.filter(member__isnull=False).count(), seat_count),
        # 交叉任职: sitting owners'-committee seats held by members who also sit on a street or
        # community committee (org's part-time committee members)
        "governance.cross_posted_seats": seats.filter(
            member__isnull=False,
            member__committee_seats__in=PartTimeMember.objects.filter(current_q(day, "term_from", "term_to")),
        ).values("pk").distinct().count(),
        "governance.floating_members": floating_count,
        "governance.floating_registered_pct": _pct(
            floating.filter(reported_on__isnull=False, registered_on__isnull=False).count(), floating_count),
        "governance.brands": Brand.objects.filter(sub("unit"), started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)).values("unit__community_anc").distinct().count(),
    }


def _compounds_with_committee(unit, day) -> int:
    return (Committee.objects.filter(subtree_q(unit, "unit"), kind=CommitteeKind.OWNERS, unit__kind="compound",
                                     term_start__lte=day, term_end__gte=day, dissolved_on__isnull=True)
            .values("unit").distinct().count())
