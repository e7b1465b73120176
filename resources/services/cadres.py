"""Writes of cadre career events (by the street: CHANGE over the community's parent) and of department
staff stationed in streets (力量下沉, CHANGE over the street)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, recheck_scope, unit_in_scope
from core.validators import check_record_date
from org.models import Member, OrgUnit, OutsideUnit, OutsideUnitKind

from ..choices import CareerEventKind
from ..models import CareerEvent, Seat, StationedStaff
from .common import audit, field_error, load_for_update, require, snapshot

__all__ = ["career_event_create", "stationed_staff_create", "stationed_staff_end"]


@transaction.atomic
def career_event_create(*, actor, seat: Seat, kind: str, happened_on, note: str = "") -> CareerEvent:
    seat = load_for_update(Seat, seat, actor, Action.VIEW)
    community = OrgUnit.objects.get(pk=seat.term.community_id)
    require(actor, Action.CHANGE, community.parent)
    if kind not in CareerEventKind.values:
        raise field_error("kind", _("Choose a kind of event."), "bad_kind")
    check_record_date(happened_on, "happened_on", latest=timezone.localdate())
    if happened_on < seat.term.elected_on:
        raise field_error("happened_on", _("The date lies before the election."), "before_term")
    event = CareerEvent(seat=seat, kind=kind, happened_on=happened_on, note=(note or "").strip())
    event.full_clean()
    event.save()
    recheck_scope(actor, Action.CHANGE, unit_id=community.parent_id)
    audit(actor, "career_event.create", event, unit=community)
    return event


@transaction.atomic
def stationed_staff_create(*, actor, department: OutsideUnit, street: OrgUnit, person_name: str = "",
                           member: Member | None = None, post: str = "", starts_on, ends_on=None) -> StationedStaff:
    require(actor, Action.CHANGE, street)
    dept = OutsideUnit.objects.pickable_by(actor, Action.CHANGE).filter(
        pk=getattr(department, "pk", department), kind=OutsideUnitKind.DISTRICT_DEPARTMENT).first()
    if dept is None:
        raise field_error("department", _("Choose a district department."), "bad_department")
    check_record_date(starts_on, "starts_on")
    if ends_on is not None and ends_on < starts_on:
        raise field_error("ends_on", _("The end lies before the start."), "before_start")
    if member is not None:
        member = Member.objects.select_related("unit").filter(pk=member.pk).first()
        if member is None or (member.unit is not None and not unit_in_scope(actor, Action.VIEW, member.unit,
                                                                            fresh=True)):
            raise ScopeDenied(Action.VIEW)
        person_name = member.name
    staff = StationedStaff(department=dept, street_id=street.pk, person_name=(person_name or "").strip(),
                           member=member, post=(post or "").strip(), starts_on=starts_on, ends_on=ends_on)
    staff.full_clean()
    staff.save()
    recheck_scope(actor, Action.CHANGE, unit_id=staff.street_id)
    audit(actor, "stationed_staff.create", staff)
    return staff


@transaction.atomic
def stationed_staff_end(*, actor, staff: StationedStaff, ends_on) -> StationedStaff:
    staff = load_for_update(StationedStaff, staff, actor, Action.CHANGE)
    require(actor, Action.CHANGE, staff.street)
    if staff.ends_on is not None:
        raise field_error("ends_on", _("The stationing has already ended."), "already_ended")
    check_record_date(ends_on, "ends_on")
    if ends_on < staff.starts_on:
        raise field_error("ends_on", _("The end lies before the start."), "before_start")
    before = snapshot(staff)
    staff.ends_on = ends_on
    staff.save(update_fields=["ends_on", "updated_at"])
    recheck_scope(actor, Action.CHANGE, unit_id=staff.street_id)
    audit(actor, "stationed_staff.end", staff, before=before, after=snapshot(staff))
    return staff
