"""Reads of the work system, scoped to the user. Each list runs a fixed number of queries.

Scope: the tree part is ``core.scoping`` (a record is visible when its unit lies under a node where the
user holds a role with the action). District departments are not in the tree, so department
liaisons (``RoleGrant.department``) see, in addition, the records whose ``scope_department_path``
names their department — and their liaison grant gives them no tree part in this app. Both parts are
combined in ``scope_q_for``, the one helper every supervision queryset's ``for_user`` uses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.scoping import (
    Action,
    department_scope,
    forget_scope,
    get_object_for_user,
    scope_nodes,
    scope_ids_q,
    scope_q,
    subtree_q,
    unit_in_scope,
)

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

_CACHE_ATTR = "_suxian_supervision_scope"


@dataclass
class SupervisionScope:
    """Per user (cached on the user object, i.e. per request): tree nodes from the non-liaison grants
    and, per action, the departments the user is a liaison for."""

    has_liaison: bool = False
    tree: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)


def supervision_scope(user) -> SupervisionScope:
    """Built from core.scoping: the tree part (department roles give none) and the departments."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = SupervisionScope()
    for act in Action.values:
        nodes = scope_nodes(user, act)
        if nodes:
            scope.tree[act] = nodes
        departments = department_scope(user, act)
        if departments:
            scope.departments[act] = set(departments)
    scope.has_liaison = bool(scope.departments)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_supervision_scope(user) -> None:
    forget_scope(user)
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_q_for(model, user, action: str = Action.VIEW, *, by_ids: bool = False) -> Q:
    """The Q selecting the rows of ``model`` that ``user`` may ``action``: tree part OR department part.
    ``by_ids``: the tree part in the shape for sorted, paged lists (``core.scoping.scope_ids_q``)."""
    if scope_nodes(user, action) is None:  # superuser
        return Q()
    # the core primitive (department roles excluded)
    q = (scope_ids_q if by_ids else scope_q)(user, action, model.scope_unit_path)
    dept_path = getattr(model, "scope_department_path", None)
    departments = department_scope(user, action)
    if dept_path and departments:
        q |= Q(**{f"{dept_path}__in": sorted(departments)})
    return q


def in_scope(user, action: str, *, unit, department_id=None) -> bool:
    """Python twin of ``scope_q_for`` for one record (its unit and its department, if any)."""
    if unit_in_scope(user, action, unit):
        return True
    departments = department_scope(user, action)
    return department_id is not None and (departments is None or department_id in departments)


def liaison_departments(user, action: str = Action.VIEW) -> set[int]:
    if getattr(user, "is_superuser", False) or not getattr(user, "is_authenticated", False):
        return set()
    return set(supervision_scope(user).departments.get(str(action), set()))


def get_for_user(queryset_or_model, user, action: str = Action.VIEW, **lookup):
    """The object in ``user``'s scope (tree or department part), else 404 like a missing id."""
    return get_object_for_user(queryset_or_model, user, action, **lookup)


# -- visits ---------------------------------------------------------------------------------------

def visit_record_list(*, user, unit=None, cadre=None, date_from=None, date_to=None, category=None,
                      needs_follow_up=None):
    qs = VisitRecord.objects.for_user(user, Action.VIEW).select_related("cadre", "place")
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "place"))
    if cadre is not None:
        qs = qs.filter(cadre=cadre)
    if date_from:
        qs = qs.filter(visited_on__gte=date_from)
    if date_to:
        qs = qs.filter(visited_on__lte=date_to)
    if category:
        qs = qs.filter(category=category)
    if needs_follow_up is not None:
        qs = qs.filter(needs_follow_up=needs_follow_up)
    return qs.annotate(case_count=Count("cases")).order_by("-visited_on", "-id")


def visit_record_get(*, user, pk, action: str = Action.VIEW) -> VisitRecord:
    return get_for_user(VisitRecord.objects.select_related("cadre", "place"), user, action, pk=pk)


# -- cases ----------------------------------------------------------------------------------------

def case_list(*, user, action: str = Action.VIEW, unit=None, state=None, kind=None, category=None, level=None,
              department=None, overdue=None, is_hard=None, search=None, today=None):
    """Cases in scope with ``is_overdue`` annotated (computed against ``today``, Asia/Shanghai)."""
    today = today or timezone.localdate()
    # The units and the department are fetched for the page's rows only (prefetch: one query each), not
    # joined to every case in scope before the sort and the cut to a page.
    qs = Case.objects.filter(scope_q_for(Case, user, action, by_ids=True)).with_overdue(today).prefetch_related(
        "unit", "handler_unit", "handler_department"
    )
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "unit"))
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if level:
        qs = qs.filter(level=level)
    if department is not None:
        qs = qs.filter(handler_department=department)
    if overdue is not None:
        qs = qs.filter(is_overdue=bool(overdue))
    if is_hard is not None:
        qs = qs.filter(is_hard=bool(is_hard))
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(parties__icontains=search) | Q(description__icontains=search))
    return qs.order_by("-registered_on", "-id")


def case_get(*, user, pk, action: str = Action.VIEW, today=None) -> Case:
    qs = Case.objects.with_overdue(today).select_related("unit", "handler_unit", "handler_department", "visit")
    return get_for_user(qs, user, action, pk=pk)


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
    qs = Case.objects.filter(scope_q_for(Case, user, Action.VIEW, by_ids=True))
    if unit is not None:
        qs = qs.filter(subtree_q(unit, "unit"))
    return qs.aggregate(
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_on__lt=today)),
        resolved=Count("id", filter=~Q(state__in=OPEN_STATES)),
        hard=Count("id", filter=Q(state__in=OPEN_STATES, is_hard=True)),
    )


# -- dispatch and consultation --------------------------------------------------------------------

def dispatch_sheet_list(*, user, period=None, unit=None, department=None):
    qs = DispatchSheet.objects.for_user(user, Action.VIEW).select_related("unit", "department")
    if period:
        qs = qs.filter(period=period)
    if unit is not None:
        qs = qs.filter(unit=unit, department__isnull=True)
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("-period", "unit__lft", "department__code")


def dispatch_sheet_get(*, user, pk, action: str = Action.VIEW) -> DispatchSheet:
    return get_for_user(DispatchSheet.objects.select_related("unit", "department"), user, action, pk=pk)


def consultation_list(*, user, period=None, unit=None):
    qs = Consultation.objects.for_user(user, Action.VIEW).select_related("unit").annotate(
        item_count=Count("items"), open_count=Count("items", filter=Q(items__closed_on__isnull=True))
    )
    if period:
        qs = qs.filter(period=period)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("-period", "unit__lft")


def consultation_get(*, user, pk, action: str = Action.VIEW) -> Consultation:
    return get_for_user(Consultation.objects.select_related("unit"), user, action, pk=pk)


def consultation_agenda(*, consultation) -> list:
    return list(
        consultation.items.select_related("case", "case__unit", "case__handler_unit", "case__handler_department")
        .order_by("id")
    )


# -- task list, inspections, supervision ----------------------------------------------------------

def key_task_list(*, user, year=None):
    qs = KeyTask.objects.for_user(user, Action.VIEW).select_related("area").annotate(letter_count=Count("letters"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("year", "number")


def assignment_letter_list(*, user, year=None, unit=None, department=None, overdue=None, today=None):
    qs = AssignmentLetter.objects.for_user(user, Action.VIEW).with_overdue(today).select_related(
        "task", "task__area", "unit", "department"
    )
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit=unit, department__isnull=True)
    if department is not None:
        qs = qs.filter(department=department)
    if overdue is not None:
        qs = qs.filter(is_overdue=bool(overdue))
    return qs.order_by("year", "seq")


def assignment_letter_get(*, user, pk, action: str = Action.VIEW) -> AssignmentLetter:
    qs = AssignmentLetter.objects.with_overdue().select_related("task", "task__area", "unit", "department")
    return get_for_user(qs, user, action, pk=pk)


def inspection_list(*, user, year=None):
    qs = Inspection.objects.for_user(user, Action.VIEW).select_related("unit").annotate(
        finding_count=Count("findings")
    )
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.order_by("-held_on", "-id")


def finding_list(*, user, inspection=None):
    qs = Finding.objects.for_user(user, Action.VIEW).select_related("inspection", "unit", "department", "key_task")
    if inspection is not None:
        qs = qs.filter(inspection=inspection)
    return qs.annotate(
        open_rectifications=Count("rectifications", filter=Q(rectifications__done_on__isnull=True))
    ).order_by("inspection_id", "id")


def supervision_notice_list(*, user, unit=None, department=None, period=None, period_from=None, period_to=None,
                            state=None):
    qs = SupervisionNotice.objects.for_user(user, Action.VIEW).select_related(
        "unit", "department", "key_task", "letter", "letter__task", "case", "finding"
    )
    qs = _measure_filters(qs, unit, department, period, period_from, period_to)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-period", "-id")


def interview_list(*, user, unit=None, department=None, period=None, period_from=None, period_to=None):
    qs = AccountabilityInterview.objects.for_user(user, Action.VIEW).select_related(
        "unit", "department", "notice", "key_task", "letter", "case", "finding"
    )
    return _measure_filters(qs, unit, department, period, period_from, period_to).order_by("-held_on", "-id")


def _measure_filters(qs, unit, department, period, period_from, period_to):
    if unit is not None:  # the unit's subtree (department targets sit on the district root)
        qs = qs.filter(subtree_q(unit, "unit"))
    if department is not None:
        qs = qs.filter(department=department)
    if period:
        qs = qs.filter(period=period)
    if period_from:
        qs = qs.filter(period__gte=period_from)
    if period_to:
        qs = qs.filter(period__lte=period_to)
    return qs


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


def delegated_item_list(*, user, receiving_level=None, department=None, active=True):
    qs = DelegatedServiceItem.objects.for_user(user, Action.VIEW).select_related("department")
    if receiving_level:
        qs = qs.filter(receiving_level=receiving_level)
    if department is not None:
        qs = qs.filter(department=department)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("code")


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


# -- aggregates used by the figures -----------------------------------------------------------------

def subtree_q(unit, path: str) -> Q:
    return Q(**{f"{path}__tree_id": unit.tree_id, f"{path}__lft__gte": unit.lft, f"{path}__rght__lte": unit.rght})


def resolved_amounts(unit) -> dict:
    """Resolved cases in ``unit``'s subtree with households and money involved. One query."""
    return Case.objects.filter(subtree_q(unit, "unit")).exclude(state__in=OPEN_STATES).aggregate(
        cases=Count("id"), households=Sum("households_affected"), amount=Sum("amount_yuan")
    )

