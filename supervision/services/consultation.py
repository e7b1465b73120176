"""Quarterly resolution 季化解: the consultation agenda built from the records, and its decisions."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, get_object_for_user, require_scope
from org.choices import UnitKind
from org.models import OrgUnit

from ..choices import (
    OPEN_STATES,
    AgendaReason,
    CaseState,
    ConsultationDecision,
    Cycle,
    NotificationKind,
    ResponsibleLevel,
)
from ..cycles import Period, parse_period
from ..models import Case, Consultation, ConsultationItem
from . import cases as case_services
from .common import audit, holder_users, not_blank, notify

DEFAULT_THRESHOLD_DAYS = 60
STREET_LEVELS = (ResponsibleLevel.COMMUNITY, ResponsibleLevel.STREET)
DISTRICT_LEVELS = (ResponsibleLevel.DEPARTMENT, ResponsibleLevel.DISTRICT)


def agenda_candidates(unit: OrgUnit, period: Period, threshold_days: int) -> dict[int, str]:
    """case id → reason, for open cases that belong on ``unit``'s consultation: a street takes the
    cases of its subtree held by a community or the street; the district takes those held by a
    department or the district. Hard cases, cases sent to consultation, and cases open longer than
    the threshold at the quarter's end. One query."""
    if unit.parent_id is None:
        base = Case.objects.filter(unit__tree_id=unit.tree_id, level__in=DISTRICT_LEVELS)
    else:
        base = Case.objects.filter(unit__street_anc_id=unit.pk, level__in=STREET_LEVELS)
    cutoff = period.end - dt.timedelta(days=threshold_days)
    rows = base.filter(state__in=OPEN_STATES, registered_on__lte=period.end).filter(
        Q(is_hard=True) | Q(state=CaseState.TO_CONSULTATION) | Q(registered_on__lte=cutoff)
    ).values_list("id", "is_hard", "state")
    result = {}
    for pk, hard, state in rows:
        result[pk] = (AgendaReason.HARD if hard else AgendaReason.SENT if state == CaseState.TO_CONSULTATION
                      else AgendaReason.LONG_OPEN)
    return result


def build_consultation(*, period: Period, unit: OrgUnit, run=None, actor=None,
                       threshold_days: int = DEFAULT_THRESHOLD_DAYS) -> tuple[Consultation, int]:
    """Create the quarter's consultation of ``unit`` (if missing) and add the agenda items that are
    not there yet: the previous quarter's unresolved items (carried over) and the candidates.
    Idempotent: unique (unit, period) and (consultation, case). Returns (consultation, items added)."""
    if unit.parent_id is not None and unit.kind not in (UnitKind.STREET, UnitKind.TOWN):
        raise ValidationError({"unit": ValidationError(_("A consultation belongs to a street or to the district."), code="not_a_street")})
    consultation = Consultation.objects.filter(unit=unit, period=period.key).first()
    created = consultation is None
    if created:
        consultation = Consultation(unit=unit, period=period.key, period_start=period.start, period_end=period.end,
                                    threshold_days=threshold_days, run=run)
        consultation.full_clean(exclude=["unit", "run"], validate_constraints=False)
        try:
            with transaction.atomic():
                consultation.save()
        except IntegrityError:
            consultation, created = Consultation.objects.get(unit=unit, period=period.key), False
    present = set(consultation.items.values_list("case_id", flat=True))
    previous = (
        ConsultationItem.objects.filter(consultation__unit=unit, consultation__period=period.previous().key,
                                        closed_on__isnull=True, case__state__in=OPEN_STATES)
        .exclude(decision=ConsultationDecision.RESOLVED)
        .values_list("id", "case_id")
    )
    items = []
    for item_id, case_id in previous:
        if case_id not in present:
            items.append(ConsultationItem(consultation=consultation, case_id=case_id,
                                          reason=AgendaReason.CARRIED_OVER, carried_from_id=item_id))
            present.add(case_id)
    for case_id, reason in sorted(agenda_candidates(unit, period, consultation.threshold_days).items()):
        if case_id not in present:
            items.append(ConsultationItem(consultation=consultation, case_id=case_id, reason=reason))
            present.add(case_id)
    ConsultationItem.objects.bulk_create(items, ignore_conflicts=True)
    if created or items:
        audit(actor, "consultation.build", consultation, after={"period": period.key, "added": len(items)})
        notify(recipients=holder_users(unit_id=unit.pk), kind=NotificationKind.CONSULTATION_AGENDA,
               params={"period": period.key, "items": len(present)}, link=reverse("supervision:consultation_detail", args=[consultation.pk]),
               unit=unit, dedupe_key=f"agenda:{consultation.pk}:{len(present)}")
    return consultation, len(items)


@transaction.atomic
def consultation_build(*, actor, period: str, unit: OrgUnit,
                       threshold_days: int = DEFAULT_THRESHOLD_DAYS) -> Consultation:
    period_obj = parse_period(Cycle.QUARTERLY, period)
    unit = OrgUnit.objects.get(pk=unit.pk)
    require_scope(actor, Action.RECORD, unit)
    consultation, _added = build_consultation(period=period_obj, unit=unit, actor=actor,
                                              threshold_days=threshold_days)
    return consultation


@transaction.atomic
def consultation_record(*, actor, consultation: Consultation, held_on: dt.date, participants: str) -> Consultation:
    consultation = get_object_for_user(Consultation.objects.select_for_update(), actor, Action.RECORD, pk=consultation.pk)
    before = snapshot(consultation)
    consultation.held_on = held_on
    consultation.participants = not_blank(participants, "participants")
    consultation.full_clean()
    consultation.save(update_fields=["held_on", "participants", "updated_at"])
    audit(actor, "consultation.record", consultation, before=before, after=snapshot(consultation))
    return consultation


@transaction.atomic
def consultation_decide(*, actor, item: ConsultationItem, decision: str, note: str = "", resolution: str = "",
                        to_level: str | None = None, department=None, due_on: dt.date | None = None,
                        on: dt.date | None = None) -> ConsultationItem:
    """Decide one agenda item. ``resolved`` resolves the case (and so 销号 the item), ``escalated``
    escalates it, ``assigned`` sets a new deadline, ``carry_over`` leaves it for next quarter."""
    item = get_object_for_user(ConsultationItem.objects.select_for_update(of=("self",)).select_related("consultation"),
                        actor, Action.RECORD, pk=item.pk)
    if item.closed_on is not None:
        raise ValidationError({"decision": ValidationError(_("This item is already closed."), code="closed")})
    if decision not in ConsultationDecision.values or not decision:
        raise ValidationError({"decision": ValidationError(_("Choose a decision."), code="required")})
    before = snapshot(item)
    if decision == ConsultationDecision.RESOLVED:
        case_services.case_resolve(actor=actor, case=item.case_id, resolution=resolution or note, on=on)
        item.refresh_from_db()
        item.closed_on = item.closed_on or on or timezone.localdate()
    elif decision == ConsultationDecision.ESCALATED:
        case_services.case_escalate(actor=actor, case=item.case_id, to_level=to_level, department=department,
                                    reason=note or _("Decided by the quarterly consultation."), on=on)
    elif decision == ConsultationDecision.ASSIGNED:
        case_services.case_assign(actor=actor, case=item.case_id, due_on=due_on, department=department,
                                  reason=note, on=on)
    item.decision = decision
    item.decision_note = note
    item.decided_at = timezone.now()
    item.full_clean(exclude=["consultation", "case", "carried_from"])
    item.save(update_fields=["decision", "decision_note", "decided_at", "closed_on"])
    audit(actor, "consultation.decide", item, before=before, after=snapshot(item), unit=item.consultation.unit)
    return item
