"""The periodic jobs. Each (cycle, unit or department, period) claims a ``CycleRun`` row first, in the
same transaction as its output: a rerun, a duplicate delivery or a second worker hits the unique
constraint (on PostgreSQL the second INSERT waits for the first transaction, then fails) and skips;
a job that fails rolls back its claim with its output, so the period can simply be run again. The
outputs carry their own unique constraints as a second line."""
from __future__ import annotations

import datetime as dt
import os
import socket
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from org.choices import UnitKind
from org.models import OrgUnit, OutsideUnit, OutsideUnitKind

from ..choices import OPEN_STATES, CauseKind, Cycle, LetterState, NoticeState, NotificationKind
from ..cycles import Period, resolve_period
from ..models import (
    AssignmentLetter,
    Case,
    CycleRun,
    RectificationItem,
    SupervisionNotice,
    VisitGap,
    VisitRecord,
)
from ..selectors import visiting_grants
from .common import audit, holder_users, log, notify
from .consultation import build_consultation
from .dispatch import generate_sheet

WORKER = f"{socket.gethostname()}:{os.getpid()}"


def claim(cycle: str, period: Period, unit: OrgUnit, department: OutsideUnit | None = None) -> CycleRun | None:
    """Insert the claim row, or None if this job already ran (or is running in another transaction)."""
    try:
        with transaction.atomic():
            return CycleRun.objects.create(cycle=cycle, period=period.key, unit=unit, department=department,
                                           worker=WORKER[:100])
    except IntegrityError:
        return None


def run_job(cycle: str, period: Period, unit: OrgUnit, department, work) -> str:
    """Claim and do one job in one transaction: 'done', 'skipped' (already claimed) or 'failed'."""
    try:
        with transaction.atomic():
            run = claim(cycle, period, unit, department)
            if run is None:
                return "skipped"
            result = work(run) or {}
            run.finished_at = timezone.now()
            run.result = result
            run.save(update_fields=["finished_at", "result"])
            return "done"
    except Exception:  # noqa: BLE001 - one unit's failure must not stop the others; it can be rerun
        log.exception("%s job for %s %s failed", cycle, department or unit, period.key)
        return "failed"


def _summary(outcomes: list[str], period: Period) -> dict:
    return {"period": period.key, "done": outcomes.count("done"), "skipped": outcomes.count("skipped"),
            "failed": outcomes.count("failed")}


# -- weekly: visit gaps ---------------------------------------------------------------------------

def weekly_cycle_run(*, period: str | None = None) -> dict:
    """Communities (and their cadres) without a visit record in the ISO week get a notification, and
    the gap is recorded."""
    week = resolve_period(Cycle.WEEKLY, period)
    communities = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).select_related("street_anc").order_by("tree_id", "lft"))
    visited: dict[int, set[int]] = defaultdict(set)
    for community_id, cadre_id in (
        VisitRecord.objects.filter(visited_on__gte=week.start, visited_on__lte=week.end)
        .values_list("place__community_anc", "cadre").distinct()
    ):
        visited[community_id].add(cadre_id)
    expected: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in (
        visiting_grants(date_from=week.start, date_to=week.end).filter(unit__kind=UnitKind.COMMUNITY)
        .values_list("unit_id", "user_id")
    ):
        expected[unit_id].add(user_id)

    def work_for(community):
        def work(run):
            gaps = []
            seen = visited.get(community.pk, set())
            missing = sorted(expected.get(community.pk, set()) - seen)
            params = {"community": community.name, "period": week.key}
            if not seen:
                gaps.append(VisitGap(period=week.key, community=community, cadre=None, run=run))
                recipients = holder_users(unit_id=community.pk) + (
                    holder_users(unit_id=community.street_anc_id) if community.street_anc_id else [])
                notify(recipients=recipients, kind=NotificationKind.VISIT_GAP_COMMUNITY, params=params,
                       unit=community, dedupe_key=f"gap:{week.key}:{community.pk}")
            for user_id in missing:
                gaps.append(VisitGap(period=week.key, community=community, cadre_id=user_id, run=run))
                notify(recipients=[user_id], kind=NotificationKind.VISIT_GAP_CADRE, params=params, unit=community,
                       dedupe_key=f"gap:{week.key}:{community.pk}:{user_id}")
            VisitGap.objects.bulk_create(gaps, ignore_conflicts=True)
            if gaps:
                audit(None, "visit_gap.record", None, unit=community,
                      after={"period": week.key, "community_gap": not seen, "cadres": missing})
            return {"community_gap": not seen, "cadre_gaps": len(missing)}
        return work

    outcomes = [run_job(Cycle.WEEKLY, week, c, None, work_for(c)) for c in communities]
    return _summary(outcomes, week)


# -- monthly: dispatch sheets ---------------------------------------------------------------------

def monthly_targets():
    streets = list(OrgUnit.objects.filter(kind__in=(UnitKind.STREET, UnitKind.TOWN)).order_by("tree_id", "lft"))
    departments = list(
        OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, is_active=True)
        .select_related("registered_at").order_by("code")
    )
    return streets, departments


def monthly_cycle_run(*, period: str | None = None) -> dict:
    """Generate every street's and every district department's dispatch sheet for the month."""
    month = resolve_period(Cycle.MONTHLY, period)
    streets, departments = monthly_targets()

    def work_for(unit=None, department=None):
        def work(run):
            sheet, written = generate_sheet(period=month, unit=unit, department=department, run=run)
            return {"sheet": sheet.pk, "written": written}
        return work

    outcomes = [run_job(Cycle.MONTHLY, month, s, None, work_for(unit=s)) for s in streets]
    outcomes += [run_job(Cycle.MONTHLY, month, d.registered_at, d, work_for(department=d)) for d in departments]
    return _summary(outcomes, month)


# -- quarterly: consultation agendas --------------------------------------------------------------

def quarterly_cycle_run(*, period: str | None = None) -> dict:
    """Build the quarter's consultation agenda of the district and of every street."""
    quarter = resolve_period(Cycle.QUARTERLY, period)
    units = list(
        OrgUnit.objects.filter(Q(parent__isnull=True) | Q(kind__in=(UnitKind.STREET, UnitKind.TOWN)))
        .order_by("tree_id", "lft")
    )

    def work_for(unit):
        def work(run):
            consultation, added = build_consultation(period=quarter, unit=unit, run=run)
            return {"consultation": consultation.pk, "added": added}
        return work

    return _summary([run_job(Cycle.QUARTERLY, quarter, u, None, work_for(u)) for u in units], quarter)


# -- daily: supervision notices for overdue work --------------------------------------------------

def _target(unit_id, department_id, root_id):
    return (root_id, department_id) if department_id else (unit_id, None)


def draft_overdue_notices(root: OrgUnit, day: dt.date, run=None) -> dict:
    """Draft one notice per overdue cause (case, letter, finding with overdue rectification) per month,
    for review. Overdue at the end of ``day``. Four reads and one INSERT."""
    as_of = day + dt.timedelta(days=1)
    month = f"{day.year:04d}-{day.month:02d}"
    in_tree = dict(unit__tree_id=root.tree_id)
    planned = []
    for case_id, unit_id, dept_id in Case.objects.filter(
        state__in=OPEN_STATES, due_on__lt=as_of, **in_tree
    ).values_list("id", "handler_unit_id", "handler_department_id"):
        planned.append((CauseKind.CASE, "case_id", case_id, *_target(unit_id, dept_id, root.pk)))
    for letter_id, unit_id, dept_id in AssignmentLetter.objects.exclude(state=LetterState.COMPLETED).filter(
        deadline__lt=as_of, **in_tree
    ).values_list("id", "unit_id", "department_id"):
        planned.append((CauseKind.LETTER, "letter_id", letter_id, *_target(unit_id, dept_id, root.pk)))
    for finding_id, unit_id, dept_id in RectificationItem.objects.filter(
        done_on__isnull=True, deadline__lt=as_of, finding__unit__tree_id=root.tree_id
    ).values_list("finding_id", "finding__unit_id", "finding__department_id").distinct():
        planned.append((CauseKind.FINDING, "finding_id", finding_id, *_target(unit_id, dept_id, root.pk)))
    existing = set(
        SupervisionNotice.objects.filter(period=month, unit__tree_id=root.tree_id)
        .values_list("cause_kind", "case_id", "letter_id", "finding_id")
    )
    have = {(k, c or l or f) for k, c, l, f in existing}
    rows = [
        SupervisionNotice(cause_kind=kind, unit_id=unit_id, department_id=dept_id, period=month,
                          state=NoticeState.DRAFT, **{field: pk})
        for kind, field, pk, unit_id, dept_id in planned
        if (kind, pk) not in have
    ]
    SupervisionNotice.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        audit(None, "supervision_notice.draft", None, unit=root,
              after={"day": day.isoformat(), "drafted": len(rows)})
        notify(recipients=holder_users(unit_id=root.pk), kind=NotificationKind.NOTICE_DRAFTED,
               params={"target": root.name, "count": len(rows)}, link=reverse("supervision:notice_list") + "?state=draft",
               unit=root, dedupe_key=f"notices:{day.isoformat()}")
    return {"drafted": len(rows), "overdue_causes": len(planned)}


def daily_cycle_run(*, period: str | None = None) -> dict:
    day = resolve_period(Cycle.DAILY, period)
    roots = list(OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id"))
    outcomes = [
        run_job(Cycle.DAILY, day, root, None, lambda run, root=root: draft_overdue_notices(root, day.start, run))
        for root in roots
    ]
    return _summary(outcomes, day)


CYCLE_RUNNERS = {
    Cycle.DAILY: daily_cycle_run,
    Cycle.WEEKLY: weekly_cycle_run,
    Cycle.MONTHLY: monthly_cycle_run,
    Cycle.QUARTERLY: quarterly_cycle_run,
}
