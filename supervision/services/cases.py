"""Writes of cases: registration and every transition. The transition rules live in one pure
function, ``apply_transition``, used by the single services and by the bulk history import alike:
a refused transition raises ValidationError (code ``invalid_transition`` …) before anything is
written, an allowed one always yields exactly one ``CaseEvent``."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, ScopeDenied, require_scope, unit_in_scope
from core.validators import check_record_date
from org.models import OrgUnit

from ..choices import (
    LEVEL_RANK,
    TRANSITIONS,
    CaseAction,
    CaseState,
    NotificationKind,
    Priority,
    ResponsibleLevel,
    Satisfaction,
)
from ..models import Case, CaseEvent, ConsultationItem, VisitRecord
from .common import (
    audit,
    due_on,
    holder_for,
    holder_users,
    not_blank,
    notify,
    root_of,
    today,
)

CASE_FIELDS = [
    "state", "level", "handler_unit", "handler_department", "due_on", "resolved_on", "resolution",
    "satisfaction", "followed_up_on", "priority", "is_hard", "amount_yuan", "households_affected", "updated_at",
]


def _refuse(case: Case, action: str):
    message = _("A case in state “%(state)s” cannot be %(action)s.") % {
        "state": CaseState(case.state).label, "action": CaseAction(action).label}
    raise ValidationError({"state": ValidationError(message, code="invalid_transition")})


def apply_transition(case: Case, action: str, *, on: dt.date, limits: dict | None = None, reason: str = "",
                     to_level: str | None = None, department=None, satisfaction: str = "", resolution: str = "",
                     priority: str | None = None, is_hard: bool | None = None, new_due_on: dt.date | None = None,
                     amount_yuan=None, households_affected=None) -> dict:
    """Change ``case`` in memory for ``action`` and return the CaseEvent fields. Pure rules, no writes.

    ``case.unit`` must be loaded (its ancestor columns decide the holder at each level).
    """
    if action not in TRANSITIONS:
        raise ValidationError({"action": ValidationError(_("Unknown action."), code="bad_action")})
    allowed_from, to_state = TRANSITIONS[action]
    if case.state not in allowed_from:
        _refuse(case, action)
    before = dict(state=case.state, level=case.level, unit=case.handler_unit_id, dept=case.handler_department_id)
    reason = (reason or "").strip()

    def move_to(level, dept=None):
        unit_id, dept_id = holder_for(level, case.unit, dept)
        case.level, case.handler_unit_id, case.handler_department_id = level, unit_id, dept_id

    if action == CaseAction.ESCALATE:
        if to_level not in LEVEL_RANK or LEVEL_RANK[to_level] <= LEVEL_RANK[case.level]:
            raise ValidationError({"to_level": ValidationError(_("A case is escalated to a higher level."), code="not_higher")})
        not_blank(reason, "reason")
        move_to(to_level, department)
        case.due_on = max(due_on(case.category, to_level, on, limits), case.registered_on)
        if is_hard is not None:
            case.is_hard = is_hard
    elif action == CaseAction.RETURN:
        to_level = to_level or ResponsibleLevel.COMMUNITY
        strictly = case.state == CaseState.ESCALATED
        if to_level not in LEVEL_RANK or (
            LEVEL_RANK[to_level] >= LEVEL_RANK[case.level] if strictly else LEVEL_RANK[to_level] > LEVEL_RANK[case.level]
        ):
            raise ValidationError({"to_level": ValidationError(_("A case is returned to a lower level."), code="not_lower")})
        not_blank(reason, "reason")
        move_to(to_level, department)
        case.due_on = max(due_on(case.category, to_level, on, limits), case.registered_on)
    elif action == CaseAction.SEND_TO_CONSULTATION:
        not_blank(reason, "reason")
    elif action == CaseAction.RESOLVE:
        case.resolution = not_blank(resolution, "resolution")
        if on < case.registered_on:
            raise ValidationError({"resolved_on": ValidationError(_("A case cannot be resolved before it was registered."), code="before_registered")})
        case.resolved_on = on
        if amount_yuan is not None:
            case.amount_yuan = Decimal(amount_yuan)
        if households_affected is not None:
            case.households_affected = households_affected
    elif action == CaseAction.FOLLOW_UP:
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": ValidationError(_("Record the resident's satisfaction."), code="required")})
        case.satisfaction = satisfaction
        case.followed_up_on = on
    elif action == CaseAction.REOPEN:
        if case.satisfaction != Satisfaction.NOT_SATISFIED:
            raise ValidationError({"state": ValidationError(_("Only a case the resident was not satisfied with is reopened."), code="satisfied")})
        satisfaction = case.satisfaction
        case.satisfaction, case.followed_up_on, case.resolved_on = "", None, None
        case.due_on = max(due_on(case.category, case.level, on, limits), case.registered_on)
    elif action == CaseAction.ASSIGN:
        changed = False
        if department is not None and case.level == ResponsibleLevel.DEPARTMENT:
            move_to(ResponsibleLevel.DEPARTMENT, department)
            changed = case.handler_department_id != before["dept"]
        if new_due_on is not None:
            if new_due_on < case.registered_on:
                raise ValidationError({"due_on": ValidationError(_("The deadline cannot be before registration."), code="before_registered")})
            changed = changed or new_due_on != case.due_on
            case.due_on = new_due_on
        if not changed:
            raise ValidationError({"due_on": ValidationError(_("Give a new deadline or a new department."), code="no_change")})
    elif action == CaseAction.REPRIORITISE:
        if priority not in Priority.values:
            raise ValidationError({"priority": ValidationError(_("Choose a priority."), code="required")})
        if priority == case.priority and (is_hard is None or is_hard == case.is_hard):
            raise ValidationError({"priority": ValidationError(_("Nothing changes."), code="no_change")})
        case.priority = priority
        if is_hard is not None:
            case.is_hard = is_hard
    if to_state is not None:
        case.state = to_state
    return dict(
        action=action,
        from_state=before["state"],
        to_state=case.state,
        from_level=before["level"],
        to_level=case.level,
        from_unit_id=before["unit"],
        from_department_id=before["dept"],
        to_unit_id=case.handler_unit_id,
        to_department_id=case.handler_department_id,
        reason=reason,
        satisfaction=satisfaction or "",
        due_on=case.due_on,
    )


def can_handle(actor, case: Case) -> bool:
    """The actor holds the case now: their tree scope covers the handling unit, or they are a liaison
    of the handling department, or (for a department-held case) district-level staff."""
    if getattr(actor, "is_superuser", False):
        return True
    if case.handler_department_id:
        return unit_in_scope(actor, Action.RECORD, root_of(case.unit), department_id=case.handler_department_id,
                             fresh=True)
    return unit_in_scope(actor, Action.RECORD, case.handler_unit, fresh=True)


def case_available_actions(*, actor, case: Case) -> list[str]:
    """The actions ``actor`` may take on ``case`` now, for showing buttons (the services check again
    when called): the transition table for its state, the extra rules of ``apply_transition`` that do
    not depend on input (reopen only after "not satisfied", escalate only below the top level) and
    ``can_handle``. ``case.unit`` and ``case.handler_unit`` should be loaded. At most two queries."""
    if not getattr(actor, "is_authenticated", False):
        return []
    top = max(LEVEL_RANK.values())
    actions = []
    for action, (allowed_from, _to) in TRANSITIONS.items():
        if case.state not in allowed_from:
            continue
        if action == CaseAction.REOPEN and case.satisfaction != Satisfaction.NOT_SATISFIED:
            continue
        if action == CaseAction.ESCALATE and LEVEL_RANK.get(case.level, top) >= top:
            continue
        if action == CaseAction.RETURN and case.state == CaseState.ESCALATED and LEVEL_RANK.get(case.level, 1) <= 1:
            continue
        actions.append(str(action))
    if not actions or not can_handle(actor, case):
        return []
    return actions


def _load(actor, case) -> Case:
    try:
        return (
            Case.objects.for_user(actor, Action.RECORD)
            .select_for_update(of=("self",))
            .select_related("unit", "handler_unit")
            .get(pk=getattr(case, "pk", case))
        )
    except Case.DoesNotExist:
        raise ScopeDenied(Action.RECORD) from None


@transaction.atomic
def _transition(actor, case, action: str, *, notify_kind=None, **kwargs) -> Case:
    c = _load(actor, case)
    if not can_handle(actor, c):
        raise ScopeDenied(Action.RECORD)
    before = snapshot(c)
    unit_id = c.unit_id
    on = kwargs.pop("on", None) or today()
    event_fields = apply_transition(c, action, on=on, **kwargs)
    c.full_clean()
    c.save(update_fields=CASE_FIELDS)
    event = CaseEvent.objects.create(case=c, actor=actor, **event_fields)
    # Re-check after writing: the case never leaves its unit, and the actor still sees it (a liaison
    # or a unit that hands the case on keeps no right to act, which is the point of handing it on).
    fresh = Case.objects.select_related("unit").get(pk=c.pk)
    if fresh.unit_id != unit_id or not (
        unit_in_scope(actor, Action.VIEW, fresh.unit, department_id=fresh.handler_department_id, fresh=True)
        or action in (CaseAction.ESCALATE, CaseAction.RETURN, CaseAction.ASSIGN)
    ):
        raise ScopeDenied(Action.RECORD)
    if action == CaseAction.RESOLVE:  # 销号 on the open agenda items
        ConsultationItem.objects.filter(case=c, closed_on__isnull=True).update(
            decision="resolved", closed_on=c.resolved_on, decided_at=timezone.now()
        )
    audit(actor, f"case.{action}", c, before=before, after=snapshot(c))
    if notify_kind:
        params = {"title": c.title, "due_on": c.due_on.isoformat(), "reason": event.reason}
        recipients = holder_users(unit_id=c.handler_unit_id, department_id=c.handler_department_id)
        notify(recipients=recipients, kind=notify_kind, params=params, link=reverse("supervision:case_detail", args=[c.pk]),
               unit=c.unit)
    c._last_event = event
    return c


@transaction.atomic
def case_register(*, actor, unit: OrgUnit, kind: str, source: str, category: str, title: str, description: str,
                  parties: str = "", visit: VisitRecord | None = None, source_ref: str = "",
                  level: str = ResponsibleLevel.COMMUNITY, department=None, households_affected: int = 0,
                  amount_yuan=0, is_hard: bool = False, priority: str = Priority.NORMAL,
                  registered_on: dt.date | None = None) -> Case:
    """Register a case at ``unit``; it starts ``registered`` at ``level`` with its due date from the
    time-limit table."""
    unit = OrgUnit.objects.get(pk=unit.pk)
    require_scope(actor, Action.RECORD, unit)
    if visit is not None:
        visit = VisitRecord.objects.for_user(actor, Action.RECORD).filter(pk=visit.pk).first()
        if visit is None:
            raise ScopeDenied(Action.RECORD)
    registered_on = registered_on or today()
    check_record_date(registered_on, "registered_on", latest=today())
    if level not in LEVEL_RANK:
        raise ValidationError({"level": ValidationError(_("Unknown level."), code="bad_level")})
    handler_unit_id, handler_department_id = holder_for(level, unit, department)
    case = Case(
        kind=kind, source=source, visit=visit, source_ref=source_ref, category=category, unit=unit,
        title=(title or "").strip(), parties=parties, description=(description or "").strip(),
        households_affected=households_affected, amount_yuan=amount_yuan, level=level,
        handler_unit_id=handler_unit_id, handler_department_id=handler_department_id,
        registered_on=registered_on, due_on=due_on(category, level, registered_on), is_hard=is_hard,
        priority=priority, created_by=actor if getattr(actor, "pk", None) else None,
    )
    case.full_clean()
    case.save()
    CaseEvent.objects.create(
        case=case, actor=actor, action=CaseAction.REGISTER, from_state="", to_state=case.state, to_level=level,
        to_unit_id=handler_unit_id, to_department_id=handler_department_id, due_on=case.due_on,
    )
    require_scope(actor, Action.RECORD, OrgUnit.objects.get(pk=case.unit_id))
    audit(actor, "case.register", case)
    return case


def case_accept(*, actor, case, on=None) -> Case:
    return _transition(actor, case, CaseAction.ACCEPT, on=on)


def case_start(*, actor, case, on=None) -> Case:
    return _transition(actor, case, CaseAction.START, on=on)


def case_escalate(*, actor, case, to_level: str, reason: str, department=None, is_hard=None, on=None) -> Case:
    return _transition(actor, case, CaseAction.ESCALATE, to_level=to_level, reason=reason, department=department,
                       is_hard=is_hard, on=on, notify_kind=NotificationKind.CASE_ESCALATED)


def case_return(*, actor, case, reason: str, to_level: str = ResponsibleLevel.COMMUNITY, on=None) -> Case:
    """Hand a case back down; the event names the returning unit or department and the reason."""
    return _transition(actor, case, CaseAction.RETURN, to_level=to_level, reason=reason, on=on,
                       notify_kind=NotificationKind.CASE_RETURNED)


def case_send_to_consultation(*, actor, case, reason: str, on=None) -> Case:
    return _transition(actor, case, CaseAction.SEND_TO_CONSULTATION, reason=reason, on=on)


def case_resolve(*, actor, case, resolution: str, on=None, amount_yuan=None, households_affected=None) -> Case:
    return _transition(actor, case, CaseAction.RESOLVE, resolution=resolution, on=on, amount_yuan=amount_yuan,
                       households_affected=households_affected)


def case_follow_up(*, actor, case, satisfaction: str, reason: str = "", on=None) -> Case:
    return _transition(actor, case, CaseAction.FOLLOW_UP, satisfaction=satisfaction, reason=reason, on=on)


def case_reopen(*, actor, case, reason: str = "", on=None) -> Case:
    return _transition(actor, case, CaseAction.REOPEN, reason=reason, on=on,
                       notify_kind=NotificationKind.CASE_REOPENED)


def case_assign(*, actor, case, due_on=None, department=None, reason: str = "", on=None) -> Case:
    return _transition(actor, case, CaseAction.ASSIGN, new_due_on=due_on, department=department, reason=reason,
                       on=on, notify_kind=NotificationKind.CASE_ASSIGNED)


def case_reprioritise(*, actor, case, priority: str, is_hard=None, reason: str = "", on=None) -> Case:
    return _transition(actor, case, CaseAction.REPRIORITISE, priority=priority, is_hard=is_hard, reason=reason,
                       on=on)


SERVICE_FOR_ACTION = {
    CaseAction.ACCEPT: case_accept,
    CaseAction.START: case_start,
    CaseAction.ESCALATE: case_escalate,
    CaseAction.RETURN: case_return,
    CaseAction.SEND_TO_CONSULTATION: case_send_to_consultation,
    CaseAction.RESOLVE: case_resolve,
    CaseAction.FOLLOW_UP: case_follow_up,
    CaseAction.REOPEN: case_reopen,
    CaseAction.ASSIGN: case_assign,
    CaseAction.REPRIORITISE: case_reprioritise,
}


@transaction.atomic
def case_bulk_import(*, actor, rows: list[dict], batch_size: int = 2000) -> int:
    """Load historical cases with their whole history (demo, migrations from paper ledgers).

    Each row: the ``Case`` fields (``unit`` loaded, with ``registered_on``) and ``steps``, a list of
    ``(action, date, kwargs)``. Every step goes through ``apply_transition`` (the same rules as the
    single services), every case is ``full_clean``-ed and every step becomes a CaseEvent, so bulk
    loading cannot make a case jump states. Scope is checked per unit; one audit row for the batch.
    """
    from .common import time_limits

    limits = time_limits()
    checked: set[int] = set()
    cases: list[Case] = []
    histories: list[list[dict]] = []
    for n, row in enumerate(rows, start=1):
        row = dict(row)
        steps = row.pop("steps", [])
        unit = row["unit"]
        if unit.pk not in checked:
            require_scope(actor, Action.RECORD, unit)
            checked.add(unit.pk)
        level = row.pop("level", ResponsibleLevel.COMMUNITY)
        hu, hd = holder_for(level, unit, row.pop("department", None))
        case = Case(level=level, handler_unit_id=hu, handler_department_id=hd,
                    created_by=actor if getattr(actor, "pk", None) else None, **row)
        case.due_on = due_on(case.category, level, case.registered_on, limits)
        events = [dict(action=CaseAction.REGISTER, from_state="", to_state=CaseState.REGISTERED, to_level=level,
                       to_unit_id=hu, to_department_id=hd, reason="", satisfaction="", due_on=case.due_on,
                       at=_at(case.registered_on))]
        try:
            for action, day, kwargs in steps:
                fields = apply_transition(case, action, on=day, limits=limits, **kwargs)
                fields["at"] = _at(day)
                events.append(fields)
            case.full_clean(exclude=["unit", "visit", "handler_unit", "handler_department", "created_by"],
                            validate_unique=False, validate_constraints=False)  # the INSERT checks them
        except ValidationError as exc:
            raise ValidationError(_("Row %(n)s: %(error)s") % {"n": n, "error": "; ".join(exc.messages)},
                                  code="bad_row") from exc
        cases.append(case)
        histories.append(events)
    Case.objects.bulk_create(cases, batch_size=batch_size)
    events = [
        CaseEvent(case_id=case.pk, actor=actor if getattr(actor, "pk", None) else None, **fields)
        for case, history in zip(cases, histories)
        for fields in history
    ]
    CaseEvent.objects.bulk_create(events, batch_size=batch_size)
    audit(actor, "case.bulk_import", None, after={"cases": len(cases), "events": len(events)},
          unit=rows[0]["unit"] if rows else None)
    return len(cases)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


__all__ = [
    "apply_transition", "can_handle", "case_available_actions", "case_register", "case_accept", "case_start", "case_escalate", "case_return",
    "case_send_to_consultation", "case_resolve", "case_follow_up", "case_reopen", "case_assign",
    "case_reprioritise", "case_bulk_import", "SERVICE_FOR_ACTION",
]
