"""Writes of compound actors: committee terms and seats, property services, resident representatives."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.scoping import Action, recheck_scope
from org.choices import NewDomainKind
from org.models import NewDomainOrg, OutsideUnit, OutsideUnitKind

from ..models import Committee, CommitteeSeat, PropertyService, ResidentRepresentative
from .common import (
    COMMUNITY_OR_COMPOUND,
    audit,
    check_dates,
    error,
    in_scope_record,
    member_in_scope,
    not_blank,
    person,
    require,
    today,
    unit_at,
)


@transaction.atomic
def committee_create(*, actor, unit, kind: str, name: str, elected_on, term_start, term_end) -> Committee:
    unit = unit_at(unit, COMMUNITY_OR_COMPOUND)
    require(actor, unit)
    committee = Committee(unit=unit, kind=kind, name=not_blank(name, "name"), elected_on=elected_on,
                          term_start=term_start, term_end=term_end,
                          created_by=actor if getattr(actor, "pk", None) else None)
    check_dates(term_start, term_end, "term_end")
    if elected_on and term_start and term_start < elected_on:
        raise error("term_start", _("The term starts before the election."), "date_order")
    overlap = Committee.objects.filter(unit=unit, kind=kind, dissolved_on__isnull=True,
                                       term_start__lte=term_end, term_end__gte=term_start)
    if overlap.exists():
        raise error("term_start", _("Another term of this committee overlaps these dates."), "term_overlap")
    committee.full_clean()
    committee.save()
    recheck_scope(actor, Action.CHANGE, unit_id=committee.unit_id)
    audit(actor, "governance.committee.create", committee)
    return committee


@transaction.atomic
def committee_seat_add(*, actor, committee, role: str, member=None, person_name: str = "",
                       started_on=None) -> CommitteeSeat:
    """Seat a person: a party member by the ``Member`` record (found by ID number or mobile), or a
    resident by name only."""
    committee = Committee.objects.select_for_update().select_related("unit").get(pk=committee.pk)
    require(actor, committee.unit)
    member = member_in_scope(actor, member)
    if member is not None and CommitteeSeat.objects.filter(committee=committee, member=member,
                                                           ended_on__isnull=True).exists():
        raise error("member", _("This member already holds a seat on this committee."), "seated")
    seat = CommitteeSeat(committee=committee, member=member, person_name=person(member, person_name),
                         role=role, started_on=started_on or committee.term_start)
    seat.full_clean()
    seat.save()
    audit(actor, "governance.committee_seat.add", seat, unit=committee.unit)
    return seat


@transaction.atomic
def committee_seat_end(*, actor, seat, ended_on=None) -> CommitteeSeat:
    seat = CommitteeSeat.objects.select_for_update().select_related("committee__unit").get(pk=seat.pk)
    require(actor, seat.committee.unit)
    if seat.ended_on is not None:
        raise error("ended_on", _("This seat has already ended."), "ended")
    before = {"ended_on": None}
    seat.ended_on = ended_on or today()
    check_dates(seat.started_on, seat.ended_on)
    seat.save(update_fields=["ended_on"])
    audit(actor, "governance.committee_seat.end", seat, before=before, after={"ended_on": seat.ended_on.isoformat()},
          unit=seat.committee.unit)
    return seat


@transaction.atomic
def property_service_create(*, actor, unit, company, started_on, party_org=None, manager_member=None,
                            ended_on=None) -> PropertyService:
    """The property company serving a compound; its party organisation is the new-domain org of kind
    property company where there is one."""
    unit = unit_at(unit, COMMUNITY_OR_COMPOUND)
    require(actor, unit)
    company = OutsideUnit.objects.pickable_by(actor).filter(pk=getattr(company, "pk", company)).first()
    if company is None or company.kind != OutsideUnitKind.PROPERTY_COMPANY:
        raise error("company", _("Choose a property-management company."), "not_a_property_company")
    party_org = in_scope_record(actor, NewDomainOrg, party_org)
    if party_org is not None and party_org.kind != NewDomainKind.PROPERTY_COMPANY:
        raise error("party_org", _("Choose the party organisation of a property company."), "not_property_party_org")
    check_dates(started_on, ended_on)
    service = PropertyService(unit=unit, company=company, party_org=party_org,
                              manager_member=member_in_scope(actor, manager_member), started_on=started_on,
                              ended_on=ended_on)
    service.full_clean()
    service.save()
    audit(actor, "governance.property_service.create", service)
    return service


@transaction.atomic
def resident_representative_add(*, actor, unit, started_on, member=None, person_name: str = "") -> ResidentRepresentative:
    unit = unit_at(unit, COMMUNITY_OR_COMPOUND)
    require(actor, unit)
    member = member_in_scope(actor, member)
    rep = ResidentRepresentative(unit=unit, member=member, person_name=person(member, person_name),
                                 started_on=started_on)
    rep.full_clean()
    rep.save()
    audit(actor, "governance.representative.add", rep)
    return rep


__all__ = ["committee_create", "committee_seat_add", "committee_seat_end", "property_service_create",
           "resident_representative_add"]
