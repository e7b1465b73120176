"""Reads of the guarantee system, scoped to the user (``for_user``), each list in a fixed number of
queries; the term statistics of any subtree come from one grouped query.

Term statistics (社区两委 by term)
------------------------------
For a subtree and a term number (换届 are held district-wide at once, so the n-th term of every
community is the same round), over the seats of urban communities (社区; villages elect 村两委 and are
not in the article's figures): seated members, the average age at election (completed years on each
term's election date, stored on the seat by the services), under 35, college or above (大专以上) and
一肩挑 (the secretary is also the director). Each is compared with term n−1:

- the average age: the difference in years;
- under 35 and college: the relative change of their *share* of the term's members, in percent. The
  article's +69.2 % and +23.9 % cannot be changes of counts (no whole number of people gives them:
  143/84 is +70.2 %, 143/85 is +68.2 %; 376/303 is +24.1 %, 376/304 is +23.7 %); the change of the share
  reproduces both (143/437 against 88/455: +69.2 %; 376/437 against 316/455: +23.9 %);
- 一肩挑 share: in the table, of the communities that have a term of that number; the figure
  ``resources.one_shoulder_pct`` divides by the urban communities of the subtree (the article: 62 of 63).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, Sum

from core.crypto import pii_hash
from core.idcard import is_valid_id_number, normalize_id_number
from core.scoping import Action, get_object_for_user, subtree_q
from org.choices import UnitKind
from org.models import Member, OrgUnit
from org.selectors import member_list

from .choices import COLLEGE_OR_ABOVE, YOUNG_AGE, PartyPost, ResidentsPost
from .models import (
    CareerEvent,
    FundAllocation,
    FundSpending,
    IdleRevival,
    Pairing,
    PairingDifficulty,
    Premise,
    RenovationProject,
    Seat,
    SharedVenue,
    StationedStaff,
    SupportRecord,
    Term,
    TrainingAttendance,
    TrainingSession,
)

__all__ = [
    "TermFigures", "career_event_list", "fund_standard_list", "fund_summary", "training_summary", "fund_allocation_list", "idle_revival_list", "latest_term_number",
    "member_pick", "pairing_get", "pairing_list", "premise_list", "renovation_list", "seat_list", "shared_venue_list",
    "stationed_staff_list", "support_record_list", "term_comparison", "term_comparison_by_street", "term_get",
    "term_list", "training_attendance_list", "training_session_list", "training_session_get",
    "fund_allocation_get", "premise_get", "roster_export_rows", "term_stats_export_rows", "term_chart_data",
    "ROSTER_EXPORT_COLUMNS", "STATS_EXPORT_COLUMNS",
]


# -- statistics ------------------------------------------------------------------------------------

@dataclass
class TermFigures:
    """The sums of one term's seats over some communities (additive, so that streets add up)."""

    number: int
    members: int = 0
    age_sum: int = 0
    young: int = 0
    college: int = 0
    one_shoulder: int = 0
    communities: int = 0

    def __add__(self, other: "TermFigures") -> "TermFigures":
        return TermFigures(self.number, *(getattr(self, f) + getattr(other, f) for f in
                                          ("members", "age_sum", "young", "college", "one_shoulder", "communities")))

    @property
    def avg_age(self) -> float | None:
        return self.age_sum / self.members if self.members else None

    @property
    def young_share(self) -> float | None:
        return self.young / self.members if self.members else None

    @property
    def college_share(self) -> float | None:
        return self.college / self.members if self.members else None

    @property
    def one_shoulder_pct(self) -> float | None:
        return round(self.one_shoulder * 100 / self.communities, 1) if self.communities else None


def _rel_change(now, before) -> float | None:
    if now is None or not before:
        return None
    return round((now / before - 1) * 100, 1)


@dataclass
class TermComparison:
    current: TermFigures
    previous: TermFigures

    @property
    def avg_age(self):
        return round(self.current.avg_age, 1) if self.current.avg_age is not None else None

    @property
    def avg_age_change(self):
        if self.current.avg_age is None or self.previous.avg_age is None:
            return None
        return round(self.current.avg_age - self.previous.avg_age, 1)

    @property
    def young_change_pct(self):
        return _rel_change(self.current.young_share, self.previous.young_share)

    @property
    def college_change_pct(self):
        return _rel_change(self.current.college_share, self.previous.college_share)


def _seat_base(unit):
    return Seat.objects.filter(subtree_q(unit, "term__community"), term__community__kind=UnitKind.COMMUNITY)


def latest_term_number(unit, year: int | None = None) -> int | None:
    """The latest term number elected by the end of ``year`` in ``unit``'s subtree."""
    qs = Term.objects.filter(subtree_q(unit, "community"), community__kind=UnitKind.COMMUNITY)
    if year:
        qs = qs.filter(elected_on__lte=dt.date(year, 12, 31))
    return qs.aggregate(n=Max("number"))["n"]


_SUMS = dict(
    members=Count("pk"),
    age_sum=Sum("age_at_election"),
    young=Count("pk", filter=Q(age_at_election__lt=YOUNG_AGE)),
    college=Count("pk", filter=Q(education__in=COLLEGE_OR_ABOVE)),
    one_shoulder=Count("pk", filter=Q(party_post=PartyPost.SECRETARY, residents_post=ResidentsPost.DIRECTOR)),
    communities=Count("term__community", distinct=True),
)


def _figures(number, row) -> TermFigures:
    return TermFigures(number, **{k: row.get(k) or 0 for k in _SUMS})


def term_comparison(unit, number: int) -> TermComparison:
    """Term ``number`` against term ``number − 1`` over ``unit``'s subtree: one grouped query."""
    rows = {r["term__number"]: r for r in _seat_base(unit).filter(term__number__in=[number, number - 1])
            .values("term__number").annotate(**_SUMS).order_by()}
    return TermComparison(_figures(number, rows.get(number, {})), _figures(number - 1, rows.get(number - 1, {})))


def term_comparison_by_street(unit, number: int) -> list[tuple[OrgUnit, TermComparison]]:
    """``term_comparison`` for each street of ``unit``'s subtree (one grouped query by the street
    ancestor column, plus one for the streets), in tree order."""
    rows = (_seat_base(unit).filter(term__number__in=[number, number - 1])
            .values("term__community__street_anc", "term__number").annotate(**_SUMS).order_by())
    by_street: dict[int, dict[int, dict]] = {}
    for r in rows:
        by_street.setdefault(r["term__community__street_anc"], {})[r["term__number"]] = r
    streets = OrgUnit.objects.filter(pk__in=list(by_street)).order_by("tree_id", "lft")
    return [(s, TermComparison(_figures(number, by_street[s.pk].get(number, {})),
                               _figures(number - 1, by_street[s.pk].get(number - 1, {})))) for s in streets]


# -- member lookup ---------------------------------------------------------------------------------

def member_pick(*, user, text: str, action: str = Action.VIEW) -> Member | None:
    """The current member in ``user``'s scope whose ID number or mobile is exactly ``text`` (looked up by
    the keyed hash through org's member list; never by plaintext), else None."""
    text = (text or "").strip()
    if is_valid_id_number(text):
        q = Q(id_number_hash=pii_hash(normalize_id_number(text)))
    elif text.isdigit() and len(text) == 11:
        q = Q(phone_hash=pii_hash(text))
    else:
        return None
    return member_list(user=user, search=text, action=action, current_only=True).filter(q).first()


# -- lists -----------------------------------------------------------------------------------------

def term_list(*, user, unit=None, action: str = Action.VIEW):
    qs = Term.objects.for_user(user, action).select_related("community").annotate(seat_count=Count("seats"))
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "community"))
    return qs.order_by("community__tree_id", "community__lft", "-number")


def term_get(*, user, pk, action: str = Action.VIEW) -> Term:
    qs = Term.objects.select_related("community__parent").prefetch_related(
        Prefetch("seats", queryset=Seat.objects.select_related("member").order_by("pk")))
    return get_object_for_user(qs, user, action, pk=pk)


def seat_list(*, user, action: str = Action.VIEW):
    return (Seat.objects.for_user(user, action).select_related("term__community", "member")
            .order_by("term__community__tree_id", "term__community__lft", "-term__number", "pk"))


def pairing_list(*, user, action: str = Action.VIEW):
    return (Pairing.objects.for_user(user, action).select_related("partner", "community")
            .annotate(difficulty_count=Count("difficulties", distinct=True),
                      solved_count=Count("difficulties", distinct=True,
                                         filter=Q(difficulties__case__state__in=_done_states())))
            .order_by("community__tree_id", "community__lft", "partner__code", "-starts_on", "pk"))


def _done_states():
    from supervision.choices import DONE_STATES

    return DONE_STATES


def pairing_get(*, user, pk, action: str = Action.VIEW) -> Pairing:
    qs = Pairing.objects.select_related("partner", "community").prefetch_related(
        Prefetch("support_records", queryset=SupportRecord.objects.order_by("-given_on", "-pk")),
        Prefetch("difficulties", queryset=PairingDifficulty.objects.select_related("case").order_by("-case__registered_on")),
    )
    return get_object_for_user(qs, user, action, pk=pk)


def support_record_list(*, user, action: str = Action.VIEW):
    return SupportRecord.objects.for_user(user, action).select_related("pairing__partner", "pairing__community")


def training_session_list(*, user, action: str = Action.VIEW):
    return (TrainingSession.objects.for_user(user, action).select_related("organiser")
            .annotate(attendance_count=Count("attendances")).order_by("-starts_on", "-pk"))


def training_attendance_list(*, user, action: str = Action.VIEW):
    return (TrainingAttendance.objects.for_user(user, action)
            .select_related("session", "seat__term__community").order_by("-session__starts_on", "seat__pk"))


def training_summary(*, user, year: int) -> dict:
    """Sessions and attendances of ``year`` in scope, and the share of the community secretaries (seats
    of terms running in the year, in scope) who attended a session that year. Three queries."""
    sessions = TrainingSession.objects.for_user(user).filter(starts_on__year=year)
    attendances = TrainingAttendance.objects.for_user(user).filter(session__starts_on__year=year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    secretaries = Seat.objects.for_user(user).filter(
        party_post=PartyPost.SECRETARY, term__community__kind=UnitKind.COMMUNITY, term__elected_on__lte=end,
    ).filter(Q(term__ends_on__isnull=True) | Q(term__ends_on__gte=start)).aggregate(
        n=Count("pk", distinct=True),
        trained=Count("pk", distinct=True, filter=Q(attendances__session__starts_on__year=year)))
    return {
        "sessions": sessions.count(), "attendances": attendances.count(), "secretaries": secretaries["n"],
        "secretaries_trained": secretaries["trained"],
        "secretaries_trained_pct": round(secretaries["trained"] * 100 / secretaries["n"], 1) if secretaries["n"] else None,
    }


def fund_summary(rows, year: int, root) -> dict:
    """Over the (filtered, scoped) allocations ``rows``: communities whose operating funds of ``year``
    reach the district's standard for their class, and the per-community average. Two queries."""
    from .choices import CommunityClass, FundKind
    from .models import FundStandard

    standards = {s.community_class: s.amount_yuan for s in FundStandard.objects.filter(owner=root, year=year)}
    per = list(rows.filter(kind=FundKind.OPERATING, year=year).order_by().values("community", "community__kind")
               .annotate(total=Sum("amount_yuan")))
    at = 0
    for r in per:
        cls = CommunityClass.URBAN if r["community__kind"] == UnitKind.COMMUNITY else CommunityClass.VILLAGE
        if cls in standards and r["total"] >= standards[cls]:
            at += 1
    total = sum((r["total"] for r in per), 0)
    return {"standards": standards, "communities": len(per), "at_standard": at,
            "average": (total / len(per)) if per else None}


def fund_allocation_list(*, user, action: str = Action.VIEW):
    return (FundAllocation.objects.for_user(user, action).select_related("community")
            .annotate(spent=Sum("spendings__amount_yuan"))
            .order_by("-year", "community__tree_id", "community__lft", "kind", "pk"))


def premise_list(*, user, action: str = Action.VIEW):
    return (Premise.objects.for_user(user, action).select_related("community")
            .annotate(renovation_count=Count("renovations"))
            .order_by("community__tree_id", "community__lft", "name", "pk"))


def renovation_list(*, user, action: str = Action.VIEW):
    return (RenovationProject.objects.for_user(user, action).select_related("premise__community")
            .order_by("-started_on", "-pk"))


def idle_revival_list(*, user, action: str = Action.VIEW):
    return IdleRevival.objects.for_user(user, action).select_related("community").order_by("-revived_on", "-pk")


def shared_venue_list(*, user, action: str = Action.VIEW):
    return SharedVenue.objects.for_user(user, action).select_related("community", "host")


def career_event_list(*, user, action: str = Action.VIEW):
    return (CareerEvent.objects.for_user(user, action).select_related("seat__term__community")
            .order_by("-happened_on", "-pk"))


def fund_standard_list(*, user, action: str = Action.VIEW):
    """The operating-fund standards set by units in scope, the latest year first."""
    from .models import FundStandard

    return (FundStandard.objects.for_user(user, action).select_related("owner")
            .order_by("-year", "owner__tree_id", "community_class"))


def stationed_staff_list(*, user, action: str = Action.VIEW):
    return (StationedStaff.objects.for_user(user, action).select_related("department", "street")
            .order_by("street__tree_id", "street__lft", "department__code", "person_name", "pk"))


# -- single records and exports --------------------------------------------------------------------

def training_session_get(*, user, pk, action: str = Action.VIEW) -> TrainingSession:
    qs = TrainingSession.objects.select_related("organiser").prefetch_related(
        Prefetch("attendances", queryset=TrainingAttendance.objects.select_related("seat__term__community")
                 .order_by("seat__term__community__tree_id", "seat__term__community__lft", "seat__pk")))
    return get_object_for_user(qs, user, action, pk=pk)


def fund_allocation_get(*, user, pk, action: str = Action.VIEW) -> FundAllocation:
    qs = FundAllocation.objects.select_related("community").prefetch_related(
        Prefetch("spendings", queryset=FundSpending.objects.order_by("-spent_on", "-pk")))
    return get_object_for_user(qs, user, action, pk=pk)


def premise_get(*, user, pk, action: str = Action.VIEW) -> Premise:
    qs = Premise.objects.select_related("community__parent").prefetch_related(
        Prefetch("renovations", queryset=RenovationProject.objects.order_by("-started_on", "-pk")))
    return get_object_for_user(qs, user, action, pk=pk)


ROSTER_EXPORT_COLUMNS = ["姓名", "党员", "党组织职务", "居委会职务", "一肩挑", "出生日期", "选举时年龄", "性别",
                         "选举时学历", "离任日期"]


def roster_export_rows(term: Term):
    """The rows of a term's roster export (no ID number or mobile: they stay on the member record)."""
    for s in term.seats.all():
        yield [s.person_name, "是" if s.member_id else "否", s.get_party_post_display() if s.party_post else "",
               s.get_residents_post_display() if s.residents_post else "", "是" if s.is_one_shoulder else "否",
               s.birth_date, s.age_at_election, s.get_gender_display(), s.get_education_display(), s.left_on]


STATS_EXPORT_COLUMNS = ["单位", "届次", "两委成员", "平均年龄", "平均年龄变化（岁）", "35岁以下", "35岁以下占比变化（%）",
                        "大专以上", "大专以上占比变化（%）", "一肩挑", "一肩挑占比（%）", "上届成员", "上届平均年龄",
                        "上届35岁以下", "上届大专以上"]


def term_stats_export_rows(unit, number: int):
    """The rows of the term statistics export: each street (for a district) and the total, term
    ``number`` against ``number − 1`` (the same selectors as the page)."""
    def row(name, c):
        prev = c.previous
        return [name, number, c.current.members, c.avg_age, c.avg_age_change, c.current.young, c.young_change_pct,
                c.current.college, c.college_change_pct, c.current.one_shoulder, c.current.one_shoulder_pct,
                prev.members, round(prev.avg_age, 1) if prev.avg_age is not None else None, prev.young,
                prev.college]

    streets = term_comparison_by_street(unit, number) if unit.level == 0 else []
    return [*(row(s.name, c) for s, c in streets), row(f"合计 · {unit.name}", term_comparison(unit, number))]


def term_chart_data(comparison: TermComparison) -> dict:
    """The term comparison as chart data (current against previous term): average age, under 35 and
    college or above as shares of the members in percent."""
    def pct(v):
        return round(v * 100, 1) if v is not None else None

    def avg(f):
        return round(f.avg_age, 1) if f.avg_age is not None else None

    cur, prev = comparison.current, comparison.previous
    return {"terms": [prev.number, cur.number],
            "avg_age": [avg(prev), avg(cur)],
            "young_pct": [pct(prev.young_share), pct(cur.young_share)],
            "college_pct": [pct(prev.college_share), pct(cur.college_share)]}
