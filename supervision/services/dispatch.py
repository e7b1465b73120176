"""Monthly dispatch 月调度: the sheet generated from the records, and the dispatch meeting."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, get_object_for_user, require_scope
from org.choices import COMMUNITY_KINDS, STREET_KINDS
from org.models import OrgUnit, OutsideUnit

from ..choices import (
    OPEN_STATES,
    CaseAction,
    Cycle,
    DispatchDecisionAction,
    LetterState,
    NotificationKind,
)
from ..cycles import Period, parse_period
from ..models import AssignmentLetter, Case, CaseEvent, DispatchDecision, DispatchMeeting, DispatchSheet, VisitRecord
from ..selectors import visit_coverage, visiting_grants
from . import cases as case_services
from .common import audit, department_check, holder_users, not_blank, notify, today

SHEET_NUMBERS = [
    "new_cases", "resolved_cases", "open_cases", "overdue_cases", "visits", "households_visited",
    "communities_total", "communities_visited", "cadres_total", "cadres_visited", "tasks_due",
]


def _as_of(period: Period, now_day: dt.date) -> dt.date:
    """Exclusive bound: the day after the month, or today for a month not over yet."""
    return min(period.end + dt.timedelta(days=1), now_day)


def _open_at(as_of: dt.date) -> Q:
    return Q(registered_on__lt=as_of) & (Q(resolved_on__isnull=True) | Q(resolved_on__gte=as_of))


def _tasks_due(letters, period: Period) -> list[dict]:
    rows = (
        letters.exclude(state=LetterState.COMPLETED)
        .filter(deadline__lte=period.end)
        .values("id", "number", "deadline", "role", "task__number", "task__title")
        .order_by("deadline", "seq")
    )
    return [dict(letter_id=r["id"], number=r["number"], deadline=r["deadline"].isoformat(), role=r["role"],
                 task_number=r["task__number"], task=r["task__title"]) for r in rows]


def compute_street_sheet(street: OrgUnit, period: Period, now_day: dt.date | None = None) -> dict:
    """The numbers of a street's sheet, from the records. Seven queries whatever the data size."""
    as_of = _as_of(period, now_day or today())
    last_day = as_of - dt.timedelta(days=1)
    cases = Case.objects.filter(unit__street_anc_id=street.pk)
    in_month = Q(registered_on__gte=period.start, registered_on__lt=as_of)
    agg = cases.aggregate(
        new_cases=Count("id", filter=in_month),
        resolved_cases=Count("id", filter=Q(resolved_on__gte=period.start, resolved_on__lt=as_of)),
        open_cases=Count("id", filter=_open_at(as_of)),
        overdue_cases=Count("id", filter=_open_at(as_of) & Q(due_on__lt=as_of)),
    )
    by_category = {
        r["category"]: {"new": r["new"], "open": r["open"]}
        for r in cases.filter(in_month | _open_at(as_of)).values("category")
        .annotate(new=Count("id", filter=in_month), open=Count("id", filter=_open_at(as_of))).order_by()
    }
    communities = OrgUnit.objects.filter(street_anc_id=street.pk, kind__in=COMMUNITY_KINDS).only(
        "id", "code", "name").order_by("code")
    visits = VisitRecord.objects.filter(place__street_anc_id=street.pk, visited_on__gte=period.start,
                                        visited_on__lte=last_day)
    coverage = [
        dict(community_id=r["unit"].pk, code=r["unit"].code, name=r["unit"].name, visits=r["visits"],
             households=r["households"], cadres=r["cadres"])
        for r in visit_coverage(communities=communities, visits=visits)
    ]
    per_cadre = list(
        visits.values("cadre", "cadre__username", "cadre__full_name", "place__community_anc")
        .annotate(visits=Count("id")).order_by("place__community_anc", "cadre")
    )
    expected = list(
        visiting_grants(date_from=period.start, date_to=last_day)
        .filter(unit__street_anc_id=street.pk, unit__kind__in=COMMUNITY_KINDS)
        .values("user_id", "user__username", "user__full_name", "unit_id").distinct().order_by("unit_id", "user_id")
    )
    visited_cadres = {(r["cadre"], r["place__community_anc"]) for r in per_cadre}
    expected_keys = {(g["user_id"], g["unit_id"]) for g in expected}
    cadres = [
        dict(user_id=r["cadre"], name=r["cadre__full_name"] or r["cadre__username"],
             community_id=r["place__community_anc"], visits=r["visits"])
        for r in per_cadre
    ] + [
        dict(user_id=g["user_id"], name=g["user__full_name"] or g["user__username"], community_id=g["unit_id"],
             visits=0)
        for g in expected if (g["user_id"], g["unit_id"]) not in visited_cadres
    ]
    tasks = _tasks_due(AssignmentLetter.objects.filter(unit=street, department__isnull=True), period)
    return dict(
        agg,
        visits=sum(r["visits"] for r in coverage),
        households_visited=sum(r["households"] for r in coverage),
        communities_total=len(coverage),
        communities_visited=sum(1 for r in coverage if r["visits"]),
        cadres_total=len(expected_keys | visited_cadres),
        cadres_visited=len(visited_cadres),
        tasks_due=len(tasks),
        detail=dict(as_of=as_of.isoformat(), by_category=by_category, coverage=coverage, cadres=cadres, tasks=tasks),
    )


def compute_department_sheet(department: OutsideUnit, period: Period, now_day: dt.date | None = None) -> dict:
    """A department's sheet: cases handed to it and resolved by it in the month (from the events),
    cases it holds now, and its letters due. Five queries whatever the data size."""
    as_of = _as_of(period, now_day or today())
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    stop = timezone.make_aware(dt.datetime.combine(as_of, dt.time.min))
    events = CaseEvent.objects.filter(at__gte=start, at__lt=stop)
    new_cases = events.filter(to_department=department).exclude(from_department=department).values(
        "case_id").distinct().count()
    resolved = events.filter(action=CaseAction.RESOLVE, from_department=department).values("case_id").distinct().count()
    held = Case.objects.filter(handler_department=department, state__in=OPEN_STATES)
    agg = held.aggregate(open_cases=Count("id"), overdue_cases=Count("id", filter=Q(due_on__lt=as_of)))
    by_category = {r["category"]: {"open": r["n"]} for r in held.values("category").annotate(n=Count("id")).order_by()}
    tasks = _tasks_due(AssignmentLetter.objects.filter(department=department), period)
    return dict(
        new_cases=new_cases, resolved_cases=resolved, open_cases=agg["open_cases"],
        overdue_cases=agg["overdue_cases"], visits=0, households_visited=0, communities_total=0,
        communities_visited=0, cadres_total=0, cadres_visited=0, tasks_due=len(tasks),
        detail=dict(as_of=as_of.isoformat(), by_category=by_category, coverage=[], cadres=[], tasks=tasks),
    )


def generate_sheet(*, period: Period, unit: OrgUnit | None = None, department: OutsideUnit | None = None,
                   run=None, actor=None, regenerate: bool = False) -> tuple[DispatchSheet, bool]:
    """Create (or, with ``regenerate``, refresh) the sheet; (sheet, written). Inside a transaction."""
    if department is not None:
        owner = department.registered_at
        numbers = compute_department_sheet(department, period)
        lookup = dict(period=period.key, department=department)
    else:
        if unit is None or unit.kind not in STREET_KINDS:
            raise ValidationError({"unit": ValidationError(_("A dispatch sheet belongs to a street or a district department."), code="not_a_street")})
        owner = unit
        numbers = compute_street_sheet(unit, period)
        lookup = dict(period=period.key, unit=unit, department__isnull=True)
    existing = DispatchSheet.objects.select_for_update().filter(**lookup).first()
    if existing is not None and not regenerate:
        return existing, False
    if existing is not None:
        before = snapshot(existing)
        for key, value in numbers.items():
            setattr(existing, key, value)
        existing.generated_at = timezone.now()
        existing.save(update_fields=[*numbers, "generated_at"])
        audit(actor, "dispatch_sheet.regenerate", existing, before=before, after=snapshot(existing))
        return existing, True
    sheet = DispatchSheet(unit=owner, department=department, period=period.key, period_start=period.start,
                          period_end=period.end, run=run, **numbers)
    sheet.full_clean(exclude=["unit", "department", "run"], validate_constraints=False)
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError:  # someone else generated it at the same moment
        return DispatchSheet.objects.get(**lookup), False
    audit(actor, "dispatch_sheet.generate", sheet)
    recipients = holder_users(unit_id=None if department else owner.pk,
                              department_id=department.pk if department else None)
    notify(recipients=recipients, kind=NotificationKind.DISPATCH_SHEET,
           params={"period": period.key, "open": sheet.open_cases, "overdue": sheet.overdue_cases},
           link=reverse("supervision:dispatch_detail", args=[sheet.pk]), unit=owner, dedupe_key=f"sheet:{sheet.pk}")
    return sheet, True


@transaction.atomic
def dispatch_sheet_generate(*, actor, period: str, unit: OrgUnit | None = None, department=None,
                            regenerate: bool = False) -> DispatchSheet:
    """Generate the month's sheet for a street or a district department (what the monthly cycle does
    for all of them). Idempotent: an existing sheet is returned unless ``regenerate``."""
    period_obj = parse_period(Cycle.MONTHLY, period)
    if department is not None:
        department = department_check(department)
        require_scope(actor, Action.RECORD, department.registered_at, department_id=department.pk)
    else:
        unit = OrgUnit.objects.get(pk=unit.pk)
        require_scope(actor, Action.RECORD, unit)
    sheet, _written = generate_sheet(period=period_obj, unit=unit, department=department, actor=actor,
                                     regenerate=regenerate)
    return sheet


def _case_belongs_to_sheet(case: Case, sheet: DispatchSheet) -> bool:
    if sheet.department_id:
        return case.handler_department_id == sheet.department_id
    return case.unit.street_anc_id == sheet.unit_id


@transaction.atomic
def dispatch_meeting_record(*, actor, sheet: DispatchSheet, held_on: dt.date, attendees: str, summary: str = "",
                            decisions: list[dict] | tuple = ()) -> DispatchMeeting:
    """Record the meeting on a sheet; each decision (``case``, ``action`` assign/reprioritise/escalate
    and that service's arguments) is carried out through the case services in the same transaction."""
    sheet = get_object_for_user(DispatchSheet.objects.select_related("unit", "department"), actor, Action.RECORD,
                         pk=sheet.pk) if actor is not None else sheet
    meeting = DispatchMeeting(sheet=sheet, held_on=held_on, attendees=not_blank(attendees, "attendees"),
                              summary=summary, recorded_by=actor)
    meeting.full_clean()
    meeting.save()
    services = {
        DispatchDecisionAction.ASSIGN: case_services.case_assign,
        DispatchDecisionAction.REPRIORITISE: case_services.case_reprioritise,
        DispatchDecisionAction.ESCALATE: case_services.case_escalate,
    }
    seen = set()
    for spec in decisions:
        spec = dict(spec)
        case, action, note = spec.pop("case"), spec.pop("action"), spec.pop("note", "")
        if action not in services:
            raise ValidationError({"action": ValidationError(_("Unknown decision."), code="bad_decision")})
        case = Case.objects.select_related("unit").get(pk=getattr(case, "pk", case))
        if case.pk in seen or not _case_belongs_to_sheet(case, sheet):
            raise ValidationError({"case": ValidationError(_("The case is not on this dispatch sheet."), code="not_on_sheet")})
        seen.add(case.pk)
        updated = services[action](actor=actor, case=case, **spec)
        DispatchDecision.objects.create(meeting=meeting, case=case, action=action, note=note,
                                        event=updated._last_event)
    require_scope(actor, Action.RECORD, sheet.unit, department_id=sheet.department_id)
    audit(actor, "dispatch_meeting.record", meeting)
    return meeting


__all__ = [
    "compute_street_sheet", "compute_department_sheet", "generate_sheet", "dispatch_sheet_generate",
    "dispatch_meeting_record", "SHEET_NUMBERS",
]
