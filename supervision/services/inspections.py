"""Writes of inspections, findings, rectification, supervision notices, interviews and the catalogue
of delegated service items."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, ScopeDenied, get_object_for_user, recheck_scope, require_scope
from core.validators import check_record_date
from org.models import OrgUnit

from ..choices import DelegatedItemAction, NoticeState, NotificationKind, ReceivingLevel
from ..models import (
    CAUSE_FIELDS,
    AccountabilityInterview,
    DelegatedServiceItem,
    DelegatedServiceItemEvent,
    Finding,
    Inspection,
    RectificationItem,
    SupervisionNotice,
)
from .common import audit, department_check, holder_users, not_blank, notify, root_of, today

NOTICE_PREFIX = "苏党建督"


@transaction.atomic
def inspection_create(*, actor, unit: OrgUnit, held_on: dt.date, inspectors: str, places=(), unannounced=True,
                      note: str = "") -> Inspection:
    unit = OrgUnit.objects.get(pk=unit.pk)
    require_scope(actor, Action.CHANGE, unit)
    places = list(places)
    for place in places:
        require_scope(actor, Action.VIEW, place)
    inspection = Inspection(unit=unit, held_on=held_on, inspectors=not_blank(inspectors, "inspectors"),
                            unannounced=unannounced, note=note)
    inspection.full_clean()
    inspection.save()
    inspection.places.set(places)
    audit(actor, "inspection.create", inspection, after={**snapshot(inspection), "places": [p.pk for p in places]})
    return inspection


def _target(unit, department):
    if department is not None:
        department = department_check(department)
        return department.registered_at, department
    if unit is None:
        raise ValidationError({"unit": ValidationError(_("Choose a unit or a district department."), code="required")})
    return OrgUnit.objects.get(pk=unit.pk), None


@transaction.atomic
def finding_create(*, actor, inspection: Inspection, dimension: str, description: str, unit=None, department=None,
                   key_task=None) -> Finding:
    inspection = get_object_for_user(Inspection, actor, Action.CHANGE, pk=inspection.pk)
    unit, department = _target(unit, department)
    finding = Finding(inspection=inspection, unit=unit, department=department, key_task=key_task, dimension=dimension,
                      description=not_blank(description, "description"))
    finding.full_clean()
    finding.save()
    audit(actor, "finding.create", finding, unit=inspection.unit)
    return finding


@transaction.atomic
def rectification_item_create(*, actor, finding: Finding, description: str, deadline: dt.date) -> RectificationItem:
    finding = get_object_for_user(Finding.objects.select_related("inspection"), actor, Action.VIEW, pk=finding.pk)
    require_scope(actor, Action.CHANGE, finding.inspection.unit)
    item = RectificationItem(finding=finding, description=not_blank(description, "description"), deadline=deadline)
    item.full_clean()
    item.save()
    audit(actor, "rectification_item.create", item)
    return item


@transaction.atomic
def rectification_item_follow_up(*, actor, item: RectificationItem, follow_up: str,
                                 done_on: dt.date | None = None) -> RectificationItem:
    item = get_object_for_user(RectificationItem.objects.select_for_update(of=("self",)), actor, Action.RECORD, pk=item.pk)
    before = snapshot(item)
    item.follow_up = not_blank(follow_up, "follow_up")
    item.done_on = done_on
    item.full_clean()
    item.save(update_fields=["follow_up", "done_on"])
    audit(actor, "rectification_item.follow_up", item, before=before, after=snapshot(item))
    return item


def _cause_kwargs(cause_kind: str, cause) -> dict:
    if cause_kind not in CAUSE_FIELDS or cause is None:
        raise ValidationError({"cause": ValidationError(_("Name what caused this measure."), code="required")})
    return {CAUSE_FIELDS[cause_kind]: cause}


def _require_district(actor, unit: OrgUnit) -> None:
    """Supervision notices are the district's to draft, issue and withdraw: CHANGE scope over the
    district root of the notice's unit (a department notice's unit is the root the department is
    registered at), checked fresh inside the caller's transaction. Liaison grants do not count."""
    require_scope(actor, Action.CHANGE, root_of(unit))


def _require_above(actor, unit: OrgUnit, department) -> None:
    """An accountability interview is held by the level above the interviewed, never by the
    interviewed: CHANGE scope over the unit's parent (a department's, or the district root's: the
    district itself), checked fresh."""
    above = unit.parent if department is None and unit.parent_id else root_of(unit)
    require_scope(actor, Action.CHANGE, above)
    if department is None and unit.parent_id is None:
        raise ScopeDenied(Action.CHANGE)  # nobody sits above the district root inside the system


def _next_notice_number(year: int) -> str:
    """``苏党建督〔year〕N号``, N one above the highest number of the year (gaps are never refilled)."""
    prefix = f"{NOTICE_PREFIX}〔{year}〕"
    taken = SupervisionNotice.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    sequences = [int(n[len(prefix):-1]) for n in taken if n.endswith("号") and n[len(prefix):-1].isdigit()]
    return f"{prefix}{max(sequences, default=0) + 1}号"


def _save_numbered(notice: SupervisionNotice, update_fields: list[str]) -> None:
    """Save in a savepoint; a notice issued at the same moment that took the number (the unique
    constraint) becomes a clear error instead of a broken transaction."""
    try:
        with transaction.atomic():
            notice.save(update_fields=update_fields)
    except IntegrityError as exc:
        if not SupervisionNotice.objects.filter(number=notice.number).exclude(pk=notice.pk).exists():
            raise
        raise ValidationError({"number": ValidationError(
            _("Another notice was issued with this number at the same moment; please issue it again."),
            code="number_taken")}) from exc


@transaction.atomic
def supervision_notice_create(*, actor, cause_kind: str, cause, period: str, text: str = "", unit=None,
                              department=None) -> SupervisionNotice:
    """A notice drafted by hand (the daily cycle drafts those for overdue work)."""
    unit, department = _target(unit, department)
    _require_district(actor, unit)
    notice = SupervisionNotice(cause_kind=cause_kind, unit=unit, department=department, period=period, text=text,
                               created_by=actor, **_cause_kwargs(cause_kind, cause))
    notice.full_clean()
    notice.save()
    audit(actor, "supervision_notice.create", notice)
    return notice


@transaction.atomic
def supervision_notice_issue(*, actor, notice: SupervisionNotice, issued_on: dt.date, text: str = "") -> SupervisionNotice:
    """Review a draft and issue it: numbered within the year, the target's people are notified."""
    notice = get_object_for_user(SupervisionNotice.objects.select_for_update(of=("self",)), actor, Action.CHANGE,
                          pk=notice.pk)
    _require_district(actor, notice.unit)
    if notice.state != NoticeState.DRAFT:
        raise ValidationError({"state": ValidationError(_("Only a draft notice can be issued."), code="invalid_transition")})
    before = snapshot(notice)
    notice.number = _next_notice_number(issued_on.year)
    notice.state = NoticeState.ISSUED
    notice.issued_on = issued_on
    if text:
        notice.text = text
    notice.full_clean()
    _save_numbered(notice, ["number", "state", "issued_on", "text", "updated_at"])
    audit(actor, "supervision_notice.issue", notice, before=before, after=snapshot(notice))
    notify(recipients=holder_users(unit_id=None if notice.department_id else notice.unit_id,
                                   department_id=notice.department_id),
           kind=NotificationKind.NOTICE_ISSUED, params={"number": notice.number,
                                                        "target": str(notice.department or notice.unit)},
           link=reverse("supervision:notice_detail", args=[notice.pk]), unit=notice.unit, dedupe_key=f"notice:{notice.pk}")
    return notice


@transaction.atomic
def supervision_notice_withdraw(*, actor, notice: SupervisionNotice, reason: str) -> SupervisionNotice:
    notice = get_object_for_user(SupervisionNotice.objects.select_for_update(of=("self",)), actor, Action.CHANGE,
                          pk=notice.pk)
    _require_district(actor, notice.unit)
    if notice.state != NoticeState.DRAFT:
        raise ValidationError({"state": ValidationError(_("Only a draft notice can be withdrawn."), code="invalid_transition")})
    before = snapshot(notice)
    notice.state = NoticeState.WITHDRAWN
    notice.text = not_blank(reason, "reason")
    notice.save(update_fields=["state", "text", "updated_at"])
    audit(actor, "supervision_notice.withdraw", notice, before=before, after=snapshot(notice))
    return notice


@transaction.atomic
def accountability_interview_create(*, actor, held_on: dt.date, interviewee: str, interviewer: str,
                                    notice: SupervisionNotice | None = None, cause_kind: str | None = None,
                                    cause=None, outcome: str = "", unit=None, department=None) -> AccountabilityInterview:
    """An interview following a notice (its target and cause are taken over) or directly a cause."""
    if notice is not None:
        notice = get_object_for_user(SupervisionNotice, actor, Action.CHANGE, pk=notice.pk)
        cause_kind, cause = notice.cause_kind, notice.cause
        unit, department = notice.unit, notice.department
    else:
        unit, department = _target(unit, department)
    _require_above(actor, unit, department)
    interview = AccountabilityInterview(
        unit=unit, department=department, notice=notice, period=f"{held_on.year:04d}-{held_on.month:02d}",
        held_on=held_on, interviewee=not_blank(interviewee, "interviewee"),
        interviewer=not_blank(interviewer, "interviewer"), outcome=outcome, created_by=actor, cause_kind=cause_kind,
        **_cause_kwargs(cause_kind, cause),
    )
    interview.full_clean()
    interview.save()
    audit(actor, "accountability_interview.create", interview)
    notify(recipients=holder_users(unit_id=None if department else unit.pk,
                                   department_id=department.pk if department else None),
           kind=NotificationKind.INTERVIEW, params={"target": str(department or unit),
                                                    "held_on": held_on.isoformat()},
           unit=unit, dedupe_key=f"interview:{interview.pk}")
    return interview


# The fields of a delegated item that ``delegated_service_item_update`` edits (each change is history).
DELEGATED_ITEM_FIELDS = ("code", "name", "department", "receiving_level", "delegated_on", "note")


def _shown(item: DelegatedServiceItem, field: str):
    """A field's value as the history keeps it: a department by its name, a date as ISO, else the value."""
    value = getattr(item, field)
    if field == "department":
        return value.name if value is not None else None
    return value.isoformat() if isinstance(value, dt.date) else value


def _item_event(item, actor, action: str, changes: dict | None = None, reason: str = "") -> DelegatedServiceItemEvent:
    event = DelegatedServiceItemEvent(item=item, action=action, actor=actor, changes=changes or {}, reason=reason)
    event.full_clean(exclude=["item", "actor"])
    event.save()
    return event


def _check_delegated_on(value):
    if value is None:
        raise ValidationError({"delegated_on": ValidationError(_("This field is required."), code="required")})
    check_record_date(value, "delegated_on", latest=today())


@transaction.atomic
def delegated_service_item_create(*, actor, owner: OrgUnit, code: str, name: str, department,
                                  receiving_level: str = ReceivingLevel.COMMUNITY, delegated_on: dt.date,
                                  note: str = "") -> DelegatedServiceItem:
    """Add an item to the district's catalogue (kept by the district root: CHANGE over it)."""
    owner = OrgUnit.objects.get(pk=owner.pk)
    require_scope(actor, Action.CHANGE, owner)
    if owner.parent_id is not None:
        raise ValidationError({"owner": ValidationError(_("Delegated items are kept by the district."),
                                                        code="not_district")})
    _check_delegated_on(delegated_on)
    item = DelegatedServiceItem(owner=owner, code=(code or "").strip(), name=not_blank(name, "name"),
                                department=department_check(department), receiving_level=receiving_level,
                                delegated_on=delegated_on, note=note)
    item.full_clean()
    item.save()
    recheck_scope(actor, Action.CHANGE, unit_id=item.owner_id)
    _item_event(item, actor, DelegatedItemAction.CREATE,
                {f: [None, _shown(item, f)] for f in DELEGATED_ITEM_FIELDS if _shown(item, f) not in (None, "")})
    audit(actor, "delegated_service_item.create", item)
    return item


def _locked_item(actor, item) -> DelegatedServiceItem:
    item = DelegatedServiceItem.objects.select_for_update().select_related("owner", "department").get(pk=item.pk)
    require_scope(actor, Action.CHANGE, item.owner)
    if not item.is_active:
        raise ValidationError(ValidationError(_("This item has been withdrawn."), code="withdrawn"))
    return item


@transaction.atomic
def delegated_service_item_update(*, actor, item: DelegatedServiceItem, reason: str = "",
                                  **changes) -> DelegatedServiceItem:
    """Edit an item in force: the fields of ``DELEGATED_ITEM_FIELDS`` only; the changed ones (before and
    after) and ``reason`` become one history row. Nothing changed: nothing written."""
    unknown = set(changes) - set(DELEGATED_ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    item = _locked_item(actor, item)
    before = snapshot(item)
    shown_before = {f: _shown(item, f) for f in changes}
    for field, value in changes.items():
        if field == "department":
            value = department_check(value) if getattr(value, "pk", value) != item.department_id else item.department
        elif field in ("code", "name") and isinstance(value, str):
            value = value.strip()
        setattr(item, field, value)
    if "name" in changes:
        not_blank(item.name, "name")
    if "delegated_on" in changes:
        _check_delegated_on(item.delegated_on)
    changed = {f: [shown_before[f], _shown(item, f)] for f in changes if _shown(item, f) != shown_before[f]}
    if not changed:
        return item
    item.full_clean()
    item.save(update_fields=[f for f in changes if f in changed])
    recheck_scope(actor, Action.CHANGE, unit_id=item.owner_id)
    _item_event(item, actor, DelegatedItemAction.UPDATE, changed, reason=(reason or "").strip())
    audit(actor, "delegated_service_item.update", item, before=before)
    return item


@transaction.atomic
def delegated_service_item_withdraw(*, actor, item: DelegatedServiceItem, withdrawn_on: dt.date,
                                    reason: str) -> DelegatedServiceItem:
    """Take the power back: the item leaves the catalogue in force (``is_active`` False) and keeps the
    date and the reason; the row stays, with its history."""
    try:
        item = _locked_item(actor, item)
    except ValidationError as exc:
        raise ValidationError(ValidationError(_("This item has already been withdrawn."),
                                              code="already_withdrawn")) from exc
    reason = not_blank(reason, "reason")
    if withdrawn_on is None:
        raise ValidationError({"withdrawn_on": ValidationError(_("This field is required."), code="required")})
    check_record_date(withdrawn_on, "withdrawn_on", latest=today())
    if withdrawn_on < item.delegated_on:
        raise ValidationError({"withdrawn_on": ValidationError(
            _("An item cannot be withdrawn before it was delegated (%(date)s)."), code="before_delegated",
            params={"date": item.delegated_on.isoformat()})})
    before = snapshot(item)
    item.is_active, item.withdrawn_on, item.withdrawal_reason = False, withdrawn_on, reason
    item.full_clean()
    item.save(update_fields=["is_active", "withdrawn_on", "withdrawal_reason"])
    recheck_scope(actor, Action.CHANGE, unit_id=item.owner_id)
    _item_event(item, actor, DelegatedItemAction.WITHDRAW,
                {"is_active": [True, False], "withdrawn_on": [None, withdrawn_on.isoformat()]}, reason=reason)
    audit(actor, "delegated_service_item.withdraw", item, before=before)
    return item


__all__ = [
    "inspection_create", "finding_create", "rectification_item_create", "rectification_item_follow_up",
    "supervision_notice_create", "supervision_notice_issue", "supervision_notice_withdraw",
    "accountability_interview_create", "delegated_service_item_create", "delegated_service_item_update",
    "delegated_service_item_withdraw", "DELEGATED_ITEM_FIELDS",
]
