"""The rule kinds of computed indicators: a registry ``rule kind → function``.

A rule computes, for one assessee and one quarter, a value (a count of what went wrong, the larger the
worse) and the records behind it (``[(model label, id), …]``, shown as links and frozen on
finalisation). Parameters come from ``Indicator.params``. A rule is one small function::

    @rule("interviews", _("Accountability interviews"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT))
    def interviews(target, period, params):
        qs = AccountabilityInterview.objects.filter(held_on__range=(period.start, period.end))
        ids = list(qs.filter(_scoped(target, params)).values_list("pk", flat=True))
        return RuleResult(len(ids), [("supervision.accountabilityinterview", pk) for pk in ids])

Rules read the supervision and governance records through their models (read-only); they never
write and never keep a copy: a governance rule's "done" is governance's own topic event.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.choices import ADOPTED_OUTCOMES, MeetingState, TopicAction
from governance.models import AgendaItem, Meeting, TopicEvent
from org.models import OrgUnit
from supervision.choices import DONE_STATES, NoticeState, Satisfaction
from supervision.cycles import Period, period_containing
from supervision.models import (
    AccountabilityInterview,
    AssignmentLetter,
    Case,
    ProgressReport,
    RectificationItem,
    SupervisionNotice,
    VisitGap,
)

from .choices import AssesseeKind

K = AssesseeKind


@dataclass
class RuleResult:
    value: float
    records: list = field(default_factory=list)  # [(model label, id)]
    detail: dict = field(default_factory=dict)

    def records_json(self) -> list[dict]:
        return [{"type": label, "id": pk} for label, pk in self.records]


@dataclass(frozen=True)
class Target:
    """Who a rule looks at: the assessee's unit (its subtree for streets), department or person."""

    kind: str
    unit_id: int
    tree_id: int
    lft: int
    rght: int
    department_id: int | None = None
    person_id: int | None = None

    @classmethod
    def of(cls, assessment) -> "Target":
        u = assessment.unit
        return cls(assessment.scheme.assessee_kind, u.pk, u.tree_id, u.lft, u.rght, assessment.department_id,
                   assessment.person_id)

    def subtree(self, path: str) -> Q:
        return Q(**{f"{path}__tree_id": self.tree_id, f"{path}__lft__gte": self.lft, f"{path}__rght__lte": self.rght})

    def own(self, path: str = "unit") -> Q:
        """Records addressed to the assessee: its department's, else its unit's (with the subtree when
        ``params['subtree']``)."""
        if self.department_id:
            return Q(department_id=self.department_id)
        return Q(**{f"{path}_id": self.unit_id}, department__isnull=True)


@dataclass(frozen=True)
class Rule:
    code: str
    label: object
    applies_to: tuple
    fn: Callable
    params: dict = field(default_factory=dict)  # parameter name → int | bool | str

    def __call__(self, target: Target, period: Period, params: dict) -> RuleResult:
        return self.fn(target, period, params or {})

    def check_params(self, params: dict) -> list[tuple[str, str]]:
        """Problems of ``params`` for this rule: ``[(name, code)]`` (unknown name, wrong type; whole
        numbers are never negative)."""
        problems = []
        for name, value in params.items():
            kind = self.params.get(name)
            if kind is None:
                problems.append((name, "unknown_param"))
            elif kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                problems.append((name, "bad_param"))
            elif kind is not int and not isinstance(value, kind):
                problems.append((name, "bad_param"))
        return problems


RULES: dict[str, Rule] = {}


def rule(code: str, label, *, applies_to: tuple, params: dict | None = None):
    def register(fn):
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, label, tuple(applies_to), fn, dict(params or {}))
        return fn

    return register


def rule_choices(kind: str | None = None) -> list[tuple[str, object]]:
    return [(r.code, r.label) for r in RULES.values() if kind is None or kind in r.applies_to]


def _weeks(period: Period) -> list[str]:
    """ISO weeks whose Monday falls in the quarter."""
    weeks, day = [], period_containing("weekly", period.start).start
    if day < period.start:
        day += dt.timedelta(days=7)
    while day <= period.end:
        iso = day.isocalendar()
        weeks.append(f"{iso[0]:04d}-W{iso[1]:02d}")
        day += dt.timedelta(days=7)
    return weeks


def _scoped(target: Target, params: dict, path: str = "unit") -> Q:
    if params.get("subtree") and not target.department_id:
        return target.subtree(path)
    return target.own(path)


@rule("weeks_without_visits", _("Weeks without visit records"),
      applies_to=(K.STREET, K.COMMUNITY, K.CADRE))
def weeks_without_visits(target: Target, period: Period, params: dict) -> RuleResult:
    """Weeks of the quarter the weekly check recorded as without visits (``VisitGap``): the community's
    own gaps; a street's: its communities'; a cadre's: their own."""
    gaps = VisitGap.objects.filter(period__in=_weeks(period))
    if target.kind == K.CADRE:
        gaps = gaps.filter(cadre_id=target.person_id, community_id=target.unit_id)
    elif target.kind == K.STREET:
        gaps = gaps.filter(target.subtree("community"), cadre__isnull=True)
    else:
        gaps = gaps.filter(community_id=target.unit_id, cadre__isnull=True)
    rows = list(gaps.order_by("period", "pk").values_list("pk", "period"))
    return RuleResult(len(rows), [("supervision.visitgap", pk) for pk, _p in rows],
                      {"weeks": sorted({p for _pk, p in rows})})


@rule("overdue_cases", _("Overdue cases"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT),
      params={"measure": str})
def overdue_cases(target: Target, period: Period, params: dict) -> RuleResult:
    """Cases of the assessee's subtree (a department: those it held) that passed their due date in or
    before the quarter and were still open at its due date + the quarter's end; value: the number of
    cases, or with ``{"measure": "days"}`` the days overdue within the quarter."""
    qs = Case.objects.filter(due_on__lt=period.end, registered_on__lte=period.end).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=period.start) & Q(resolved_on__gt=F("due_on")))
    qs = qs.filter(handler_department_id=target.department_id) if target.department_id else qs.filter(
        target.subtree("unit"))
    rows = list(qs.order_by("pk").values_list("pk", "due_on", "resolved_on"))
    days = {}
    for pk, due, resolved in rows:
        end = min(resolved or period.end, period.end)
        days[pk] = max(0, (end - max(due, period.start - dt.timedelta(days=1))).days)
    rows = [r for r in rows if days[r[0]] > 0]
    value = sum(days[r[0]] for r in rows) if params.get("measure") == "days" else len(rows)
    return RuleResult(value, [("supervision.case", r[0]) for r in rows], {"days": {str(r[0]): days[r[0]] for r in rows}})


@rule("unsatisfied_followups", _("Residents not satisfied at follow-up"),
      applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT), params={"include_basic": bool})
def unsatisfied_followups(target: Target, period: Period, params: dict) -> RuleResult:
    """Cases followed up in the quarter whose resident was not satisfied (with ``{"include_basic": true}``
    also the basically satisfied); the detail gives the satisfied share."""
    bad = [Satisfaction.NOT_SATISFIED] + ([Satisfaction.BASICALLY] if params.get("include_basic") else [])
    qs = Case.objects.filter(state__in=DONE_STATES, followed_up_on__range=(period.start, period.end))
    qs = qs.filter(handler_department_id=target.department_id) if target.department_id else qs.filter(
        target.subtree("unit"))
    rows = list(qs.order_by("pk").values_list("pk", "satisfaction"))
    bad_ids = [pk for pk, s in rows if s in bad]
    satisfied = sum(1 for _pk, s in rows if s == Satisfaction.SATISFIED)
    return RuleResult(len(bad_ids), [("supervision.case", pk) for pk in bad_ids],
                      {"followed_up": len(rows), "satisfied_pct": round(100 * satisfied / len(rows), 1) if rows else None})


@rule("notices_received", _("Supervision notices received"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT),
      params={"subtree": bool})
def notices_received(target: Target, period: Period, params: dict) -> RuleResult:
    """Issued supervision notices 督办通报 addressed to the assessee, issued in the quarter."""
    qs = SupervisionNotice.objects.filter(state=NoticeState.ISSUED, issued_on__range=(period.start, period.end))
    ids = list(qs.filter(_scoped(target, params)).order_by("pk").values_list("pk", flat=True))
    return RuleResult(len(ids), [("supervision.supervisionnotice", pk) for pk in ids])


@rule("interviews", _("Accountability interviews"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT),
      params={"subtree": bool})
def interviews(target: Target, period: Period, params: dict) -> RuleResult:
    """Accountability interviews 约谈问责 of the assessee held in the quarter."""
    qs = AccountabilityInterview.objects.filter(held_on__range=(period.start, period.end))
    ids = list(qs.filter(_scoped(target, params)).order_by("pk").values_list("pk", flat=True))
    return RuleResult(len(ids), [("supervision.accountabilityinterview", pk) for pk in ids])


@rule("findings_not_rectified", _("Inspection findings not rectified on time"),
      applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT), params={"subtree": bool})
def findings_not_rectified(target: Target, period: Period, params: dict) -> RuleResult:
    """Rectification items of findings against the assessee whose deadline fell in the quarter and that
    were not done by it."""
    qs = RectificationItem.objects.filter(deadline__range=(period.start, period.end)).filter(
        Q(done_on__isnull=True) | Q(done_on__gt=F("deadline")))
    if target.department_id:
        qs = qs.filter(finding__department_id=target.department_id)
    elif params.get("subtree"):
        qs = qs.filter(target.subtree("finding__unit"))
    else:
        qs = qs.filter(finding__unit_id=target.unit_id, finding__department__isnull=True)
    rows = list(qs.order_by("pk").values_list("pk", "finding_id"))
    return RuleResult(len(rows), [("supervision.rectificationitem", pk) for pk, _f in rows],
                      {"findings": sorted({f for _pk, f in rows})})


@rule("letters_reported_late", _("Assignment-letter progress reported late"),
      applies_to=(K.STREET, K.DEPARTMENT), params={"report_days": int})
def letters_reported_late(target: Target, period: Period, params: dict) -> RuleResult:
    """Assignment letters 交办书 of the assessee open during the quarter (issued by its end, not completed
    before its start) with no progress report within the quarter, or past their deadline uncompleted at
    its end (``{"report_days": n}`` shortens the window to the quarter's last n days)."""
    letters = AssignmentLetter.objects.filter(issued_on__lte=period.end).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gte=period.start)).filter(target.own("unit"))
    rows = list(letters.order_by("pk").values_list("pk", "deadline", "completed_on"))
    start = period.start
    if params.get("report_days"):
        start = max(period.start, period.end - dt.timedelta(days=int(params["report_days"]) - 1))
    reported = set(ProgressReport.objects.filter(letter_id__in=[r[0] for r in rows],
                                                 reported_on__range=(start, period.end))
                   .values_list("letter_id", flat=True))
    late = [pk for pk, deadline, done in rows
            if pk not in reported or (deadline < period.end and (done is None or done > deadline))]
    return RuleResult(len(late), [("supervision.assignmentletter", pk) for pk in late])


# -- 1+N deliberation (the governance system's records, read through its models) ---------------------

def _communities(target: Target) -> list[tuple[int, str]]:
    """The communities a rule looks at: the community itself; a street's communities (its subtree)."""
    if target.kind == K.COMMUNITY:
        qs = OrgUnit.objects.filter(pk=target.unit_id)
    else:
        qs = OrgUnit.objects.filter(tree_id=target.tree_id, lft__gte=target.lft, rght__lte=target.rght,
                                    community_anc_id=F("pk"))
    return list(qs.order_by("lft").values_list("pk", "code"))


@rule("meetings_missing", _("1+N deliberation meetings not held"), applies_to=(K.STREET, K.COMMUNITY),
      params={"expected": int})
def meetings_missing(target: Target, period: Period, params: dict) -> RuleResult:
    """1+N deliberation meetings recorded as held (``governance.Meeting`` in state held) in the quarter at
    the community or its compounds; value: the meetings short of ``{"expected": n}`` (default 1) per
    community, summed over a street's communities. The records are the meetings held."""
    expected = max(0, int(params.get("expected", 1)))
    communities = _communities(target)
    rows = list(Meeting.objects.filter(target.subtree("unit"), state=MeetingState.HELD,
                                       held_on__range=(period.start, period.end))
                .order_by("held_on", "pk").values_list("pk", "unit__community_anc_id"))
    held = {pk: 0 for pk, _code in communities}
    for _pk, community in rows:
        if community in held:
            held[community] += 1
    short = {code: expected - held[pk] for pk, code in communities if held[pk] < expected}
    return RuleResult(sum(short.values()), [("governance.meeting", pk) for pk, _c in rows],
                      {"held": len(rows), "expected": expected, "communities": len(communities), "short": short})


@rule("resolutions_not_done", _("Adopted resolutions not implemented"), applies_to=(K.STREET, K.COMMUNITY),
      params={"work_days": int})
def resolutions_not_done(target: Target, period: Period, params: dict) -> RuleResult:
    """Resolutions adopted at held meetings of the subtree whose implementation fell due in the quarter:
    the implementation's deadline (``governance.WorkItem.due_on``), or for a resolution never given one,
    the meeting day + ``{"work_days": n}`` (default 30). Done means governance's own record says so: the
    topic's completion event (case resolved, or task completed and followed up) by the quarter's end.
    Value: those not done; the records are their topics, the detail lists the done ones."""
    work_days = max(0, int(params.get("work_days", 30)))
    items = list(AgendaItem.objects.filter(target.subtree("meeting__unit"), outcome__in=ADOPTED_OUTCOMES,
                                           meeting__state=MeetingState.HELD, meeting__held_on__lte=period.end)
                 .filter(Q(work__due_on__range=(period.start, period.end))
                         | Q(work__isnull=True, meeting__held_on__range=(period.start - dt.timedelta(days=work_days),
                                                                         period.end - dt.timedelta(days=work_days))))
                 .order_by("meeting__held_on", "pk").values_list("pk", "topic_id"))
    done = set(TopicEvent.objects.filter(topic_id__in=[t for _i, t in items], action=TopicAction.COMPLETE,
                                         at__date__lte=period.end).values_list("topic_id", flat=True))
    open_topics = [t for _i, t in items if t not in done]
    return RuleResult(len(open_topics), [("governance.topic", t) for t in open_topics],
                      {"due": len(items), "done": sorted(done),
                       "resolutions": {str(t): i for i, t in items},
                       "done_pct": round(100 * len(done) / len(items), 1) if items else None})
