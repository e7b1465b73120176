"""Reads of the work system, scoped to the user. Each list runs a fixed number of queries.

Scope comes from ``core.scoping`` alone: the models declare their unit (``scope_unit_path``) and, where a
district department can own them, their department (``scope_department_path``), so ``for_user`` gives a
department liaison the rows of their department as well.
"""
from __future__ import annotations

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from accounts.models import RoleGrant
from accounts.roles import Role
from core.scoping import Action, get_object_for_user, subtree_q
from org.models import OrgUnit

from .choices import OPEN_STATES
from .models import (
    AccountabilityInterview,
    AssignmentLetter,
    Case,
    CaseEvent,
    Consultation,
    DelegatedServiceItem,
    DispatchSheet,
    Finding,
    Inspection,
    KeyTask,
    Notification,
    SupervisionNotice,
    VisitRecord,
)

# -- visits ---------------------------------------------------------------------------------------

def visit_record_list(*, user):
    """Visit records in scope, newest first, ``case_count`` annotated (filters: ``filtersets.VisitFilter``)."""
    qs = VisitRecord.objects.for_user(user, Action.VIEW).select_related("cadre", "place")
    return qs.annotate(case_count=Count("cases")).order_by("-visited_on", "-id")


# -- cases ----------------------------------------------------------------------------------------

def case_list(*, user, action: str = Action.VIEW, unit=None, overdue=None, today=None):
    """Cases in scope with ``is_overdue`` annotated (computed against ``today``, Asia/Shanghai); the
    pages' and the API's filters are ``filtersets.CaseFilter``."""
    today = today or timezone.localdate()
    # The units and the department are fetched for the page's rows only (prefetch: one query each), not
    # joined to every case in scope before the sort and the cut to a page.
    qs = Case.objects.for_user(user, action, by_ids=True).with_overdue(today).prefetch_related(
        "unit", "handler_unit", "handler_department"
    )
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "unit"))
    if overdue is not None:
        qs = qs.filter(is_overdue=bool(overdue))
    return qs.order_by("-registered_on", "-id")


def case_get(*, user, pk, action: str = Action.VIEW, today=None) -> Case:
    qs = Case.objects.with_overdue(today).select_related("unit", "handler_unit", "handler_department", "visit")
    return get_object_for_user(qs, user, action, pk=pk)


def case_history(*, case) -> list[CaseEvent]:
    """The whole history of a case the caller already fetched in scope. One query."""
    return list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "from_unit", "from_department", "to_unit", "to_department")
        .order_by("at", "id")
    )


def case_counts(*, user, unit=None, today=None) -> dict:
    """Totals for a dashboard: open, overdue, resolved, hard. One query."""
    today = today or timezone.localdate()
    qs = Case.objects.for_user(user, Action.VIEW, by_ids=True)
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "unit"))
    return qs.aggregate(
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
        resolved=Count("id", filter=~Q(state__in=OPEN_STATES)),
        hard=Count("id", filter=Q(state__in=OPEN_STATES, is_hard=True)),
    )


# -- dispatch and consultation --------------------------------------------------------------------

def dispatch_sheet_list(*, user):
    qs = DispatchSheet.objects.for_user(user, Action.VIEW).select_related("unit", "department")
    return qs.order_by("-period", "unit__lft", "department__code")


def dispatch_sheet_get(*, user, pk, action: str = Action.VIEW) -> DispatchSheet:
    return get_object_for_user(DispatchSheet.objects.select_related("unit", "department"), user, action, pk=pk)


def consultation_list(*, user):
    qs = Consultation.objects.for_user(user, Action.VIEW).select_related("unit").annotate(
        item_count=Count("items"), open_count=Count("items", filter=Q(items__closed_on__isnull=True))
    )
    return qs.order_by("-period", "unit__lft")


def consultation_get(*, user, pk, action: str = Action.VIEW) -> Consultation:
    return get_object_for_user(Consultation.objects.select_related("unit"), user, action, pk=pk)


def consultation_agenda(*, consultation) -> list:
    return list(
        consultation.items.select_related("case", "case__unit", "case__handler_unit", "case__handler_department")
        .order_by("id")
    )


# -- task list, inspections, supervision ----------------------------------------------------------

def key_task_list(*, user):
    qs = KeyTask.objects.for_user(user, Action.VIEW).select_related("area").annotate(letter_count=Count("letters"))
    return qs.order_by("year", "number")


def assignment_letter_list(*, user, today=None):
    qs = AssignmentLetter.objects.for_user(user, Action.VIEW).with_overdue(today).select_related(
        "task", "task__area", "unit", "department"
    )
    return qs.order_by("year", "seq")


def assignment_letter_get(*, user, pk, action: str = Action.VIEW) -> AssignmentLetter:
    qs = AssignmentLetter.objects.with_overdue().select_related("task", "task__area", "unit", "department")
    return get_object_for_user(qs, user, action, pk=pk)


def inspection_list(*, user):
    qs = Inspection.objects.for_user(user, Action.VIEW).select_related("unit").annotate(
        finding_count=Count("findings")
    )
    return qs.order_by("-held_on", "-id")


def finding_list(*, user, inspection=None):
    qs = Finding.objects.for_user(user, Action.VIEW).select_related("inspection", "unit", "department", "key_task")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return qs.annotate(
        open_rectifications=Count("rectifications", filter=Q(rectifications__done_on__isnull=True))
    ).order_by("inspection_id", "id")


def supervision_notice_list(*, user):
    qs = SupervisionNotice.objects.for_user(user, Action.VIEW).select_related(
        "unit", "department", "key_task", "letter", "letter__task", "case", "finding"
    )
    return qs.order_by("-period", "-id")


def interview_list(*, user):
    qs = AccountabilityInterview.objects.for_user(user, Action.VIEW).select_related(
        "unit", "department", "notice", "key_task", "letter", "case", "finding"
    )
    return qs.order_by("-held_on", "-id")


def supervision_measure_counts(*, unit=None, department=None, period_from: str, period_to: str) -> dict:
    """For the assessment: issued notices and interviews against a unit (exactly, not its subtree) or a
    department between two months (``YYYY-MM``, inclusive). Two queries; no user scope (system read)."""
    from .choices import NoticeState

    target = Q(department=department) if department is not None else Q(unit=unit, department__isnull=True)
    notices = SupervisionNotice.objects.filter(target, state=NoticeState.ISSUED,
                                               period__gte=period_from, period__lte=period_to).count()
    interviews = AccountabilityInterview.objects.filter(target, period__gte=period_from,
                                                        period__lte=period_to).count()
    return {"notices": notices, "interviews": interviews}


def letter_chain(*, letter) -> dict:
    """task → letter → notices → interviews, for a letter already fetched in scope. Two queries."""
    notices = list(letter.supervisionnotices.order_by("period", "id"))
    interviews = list(
        AccountabilityInterview.objects.filter(Q(letter=letter) | Q(notice__letter=letter)).order_by("held_on", "id")
    )
    return {"task": letter.task, "letter": letter, "notices": notices, "interviews": interviews}


def notice_chain(*, notice) -> dict:
    """The cause of a notice back to its task, and the interviews that followed it."""
    task = notice.key_task or (notice.letter.task if notice.letter_id else None) or (
        notice.finding.key_task if notice.finding_id else None
    )
    return {"task": task, "cause": notice.cause, "notice": notice, "interviews": list(notice.interviews.all())}


def delegated_item_list(*, user, active=True):
    qs = DelegatedServiceItem.objects.for_user(user, Action.VIEW).select_related("department")
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("code")


def delegated_item_keeper(*, user):
    """The district root whose catalogue of delegated items ``user`` may change (CHANGE over it), else None."""
    return OrgUnit.objects.for_user(user, Action.CHANGE).filter(parent__isnull=True).order_by("tree_id").first()


# -- notifications --------------------------------------------------------------------------------

def notification_list(*, user, unread_only: bool = False):
    """A user's own notifications (only ever their own)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# -- visit coverage (the coverage page and the street's dispatch sheet) -------------------------------

VISITING_ROLES = (Role.COMMUNITY_CADRE, Role.COMMUNITY_SECRETARY)


def visiting_grants(*, date_from, date_to):
    """The grants of the cadres expected to visit (community cadres and secretaries) valid at some day
    between ``date_from`` and ``date_to`` (inclusive); the caller narrows them to its communities."""
    return RoleGrant.objects.filter(role__in=VISITING_ROLES, valid_from__lte=date_to).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=date_from))


def visit_coverage(*, communities, visits) -> list[dict]:
    """One row per community of ``communities`` (in their order): of ``visits`` (the visit records the
    caller chose: scope, dates), those in the community's subtree, the households visited, the cadres who
    visited and the last visit. Two queries whatever the data size."""
    stats = {
        r["place__community_anc"]: r for r in visits.values("place__community_anc").annotate(
            visits=Count("id"), households=Sum("households_count"), cadres=Count("cadre", distinct=True),
            last=Max("visited_on")).order_by()
    }
    rows = []
    for unit in communities:
        s = stats.get(unit.pk, {})
        rows.append({"unit": unit, "visits": s.get("visits", 0), "households": s.get("households") or 0,
                     "cadres": s.get("cadres", 0), "last": s.get("last")})
    return rows
