"""The rule kinds of computed indicators: a registry ``rule kind → function``.

A rule computes, for one assessee and one quarter, a value (a count of what went wrong, the larger the
worse) and the records behind it (``[(model label, id), …]``, shown as links and frozen on
finalisation). Parameters come from ``Indicator.params``. A rule is one small function::

    @rule("meetings_missing", _("1+N meetings not held"), applies_to=(AssesseeKind.COMMUNITY,))
    def meetings_missing(target, period, params):
        from governance.models import Meeting          # added once governance exists
        held = Meeting.objects.filter(community_id=target.unit_id, held_on__range=(period.start, period.end))
        ids = list(held.values_list("pk", flat=True))
        return RuleResult(max(0, params.get("expected", 3) - len(ids)), [("governance.meeting", i) for i in ids])

Rules read the supervision records through its models (read-only); they never write.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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

    def __call__(self, target: Target, period: Period, params: dict) -> RuleResult:
        return self.fn(target, period, params or {})


RULES: dict[str, Rule] = {}


def rule(code: str, label, *, applies_to: tuple):
    def register(fn):
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, label, tuple(applies_to), fn)
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


@rule("overdue_cases", _("Overdue cases"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT))
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
      applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT))
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


@rule("notices_received", _("Supervision notices received"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT))
def notices_received(target: Target, period: Period, params: dict) -> RuleResult:
    """Issued supervision notices 督办通报 addressed to the assessee, issued in the quarter."""
    qs = SupervisionNotice.objects.filter(state=NoticeState.ISSUED, issued_on__range=(period.start, period.end))
    ids = list(qs.filter(_scoped(target, params)).order_by("pk").values_list("pk", flat=True))
    return RuleResult(len(ids), [("supervision.supervisionnotice", pk) for pk in ids])


@rule("interviews", _("Accountability interviews"), applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT))
def interviews(target: Target, period: Period, params: dict) -> RuleResult:
    """Accountability interviews 约谈问责 of the assessee held in the quarter."""
    qs = AccountabilityInterview.objects.filter(held_on__range=(period.start, period.end))
    ids = list(qs.filter(_scoped(target, params)).order_by("pk").values_list("pk", flat=True))
    return RuleResult(len(ids), [("supervision.accountabilityinterview", pk) for pk in ids])


@rule("findings_not_rectified", _("Inspection findings not rectified on time"),
      applies_to=(K.STREET, K.COMMUNITY, K.DEPARTMENT))
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
      applies_to=(K.STREET, K.DEPARTMENT))
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
