"""Writes of social organisations (register, stage transitions, the two dual-incubation pipelines),
instructor/liaison postings, floating members (and their weekly reminder) and community brands."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, recheck_scope, unit_in_scope
from org.choices import Level
from org.models import NewDomainOrg, OutsideUnit
from supervision.choices import NotificationKind
from supervision.models import Case

from ..choices import STAGE_TRANSITIONS, FilingStatus, SocialEventKind, Stage
from ..models import Brand, FloatingMember, FloatingReminder, Posting, SocialOrganisation, SocialOrgEvent
from .common import (
    audit,
    check_dates,
    error,
    fresh_unit,
    in_scope_record,
    member_in_scope,
    not_blank,
    person,
    require,
    today,
    unit_at,
)

FLOATING_KIND = NotificationKind.GOVERNANCE_FLOATING


# -- social organisations ---------------------------------------------------------------------------

@transaction.atomic
def social_org_create(*, actor, unit, name: str, field: str, founded_on, leader_member=None, leader_name: str = "",
                      filing_status: str = FilingStatus.NONE, filing_no: str = "", party_org=None,
                      stage: str = Stage.CULTIVATING, stage_since=None) -> SocialOrganisation:
    """Enter a social organisation in a community's register (cultivating unless an import says where
    it stands); the leader is the member's record when a party member."""
    unit = unit_at(unit, (Level.COMMUNITY,))
    require(actor, unit)
    leader_member = member_in_scope(actor, leader_member)
    party_org = in_scope_record(actor, NewDomainOrg, party_org)
    org = SocialOrganisation(unit=unit, name=not_blank(name, "name"), field=field, founded_on=founded_on,
                             leader_member=leader_member, leader_name=person(leader_member, leader_name, "leader_name"),
                             filing_status=filing_status, filing_no=(filing_no or "").strip(), party_org=party_org,
                             stage=stage, stage_since=stage_since or founded_on,
                             created_by=actor if getattr(actor, "pk", None) else None)
    org.full_clean()
    org.save()
    SocialOrgEvent.objects.create(org=org, kind=SocialEventKind.FOUNDED, to_stage=org.stage, on=org.stage_since,
                                  actor=actor if getattr(actor, "pk", None) else None)
    if leader_member is not None:
        SocialOrgEvent.objects.create(org=org, kind=SocialEventKind.MEMBER_BECAME_LEADER, member=leader_member,
                                      person_name=leader_member.name, on=org.stage_since,
                                      actor=actor if getattr(actor, "pk", None) else None)
    recheck_scope(actor, Action.CHANGE, unit_id=org.unit_id)
    audit(actor, "governance.social_org.create", org)
    return org


def _lock_org(actor, org) -> SocialOrganisation:
    found = (SocialOrganisation.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",))
             .select_related("unit").filter(pk=getattr(org, "pk", org)).first())
    if found is None:
        raise ScopeDenied(Action.CHANGE)
    return found


@transaction.atomic
def social_org_stage_change(*, actor, org, to_stage: str, on=None, reason: str = "", filing_status: str = "",
                            filing_no: str = "") -> SocialOrganisation:
    """Move along cultivating → incubated → filed/registered → graduated (or dissolved), dated."""
    org = _lock_org(actor, org)
    on = on or today()
    if to_stage not in STAGE_TRANSITIONS or org.stage not in STAGE_TRANSITIONS[to_stage]:
        raise error("to_stage", _("This step is not possible in the organisation's current stage."), "bad_transition")
    if on < org.stage_since:
        raise error("on", _("The date is before the current stage began."), "date_order")
    if to_stage == Stage.DISSOLVED:
        reason = not_blank(reason, "reason")
    before = {"stage": org.stage, "stage_since": org.stage_since.isoformat()}
    if to_stage == Stage.FILED:
        if filing_status not in (FilingStatus.FILED, FilingStatus.REGISTERED):
            raise error("filing_status", _("Say whether it was filed or registered."), "required")
        org.filing_status, org.filing_no = filing_status, (filing_no or "").strip()
    SocialOrgEvent.objects.create(org=org, kind=SocialEventKind.STAGE, from_stage=org.stage, to_stage=to_stage,
                                  on=on, reason=reason or "", actor=actor if getattr(actor, "pk", None) else None)
    org.stage, org.stage_since = to_stage, on
    org.full_clean()
    org.save(update_fields=["stage", "stage_since", "filing_status", "filing_no", "updated_at"])
    audit(actor, "governance.social_org.stage", org, before=before,
          after={"stage": org.stage, "stage_since": on.isoformat()})
    return org


@transaction.atomic
def social_org_leader_set(*, actor, org, member, on=None) -> SocialOrganisation:
    """Pipeline one: a party member becomes the organisation's leader (event row)."""
    org = _lock_org(actor, org)
    member = member_in_scope(actor, member)
    if member is None:
        raise error("member", _("Find the member by ID number or mobile."), "required")
    before = {"leader_member_id": org.leader_member_id, "leader_name": org.leader_name}
    org.leader_member, org.leader_name = member, member.name
    org.save(update_fields=["leader_member", "leader_name", "updated_at"])
    SocialOrgEvent.objects.create(org=org, kind=SocialEventKind.MEMBER_BECAME_LEADER, member=member,
                                  person_name=member.name, on=on or today(),
                                  actor=actor if getattr(actor, "pk", None) else None)
    audit(actor, "governance.social_org.leader", org, before=before,
          after={"leader_member_id": member.pk, "leader_name": member.name})
    return org


@transaction.atomic
def social_org_leader_applied(*, actor, org, on=None, note: str = "") -> SocialOrgEvent:
    """Pipeline two: the organisation's leader (not yet a member) applied to join the party."""
    org = _lock_org(actor, org)
    if org.leader_member_id is not None:
        raise error(None, _("The leader is a party member already."), "already_member")
    if org.events.filter(kind=SocialEventKind.LEADER_APPLIED, person_name=org.leader_name).exists():
        raise error(None, _("This leader's application is recorded already."), "applied")
    event = SocialOrgEvent.objects.create(org=org, kind=SocialEventKind.LEADER_APPLIED, person_name=org.leader_name,
                                          on=on or today(), reason=note or "",
                                          actor=actor if getattr(actor, "pk", None) else None)
    audit(actor, "governance.social_org.leader_applied", event, unit=org.unit)
    return event


# -- postings ---------------------------------------------------------------------------------------

@transaction.atomic
def posting_create(*, actor, unit, role: str, started_on, member=None, person_name: str = "", home_unit=None,
                   social_org=None, new_domain_org=None, ended_on=None) -> Posting:
    """Post an instructor or liaison (a member, or an outside cadre by name and home unit) into a
    social organisation or a new-domain organisation in the posting unit's subtree."""
    unit = fresh_unit(unit)
    require(actor, unit)
    member = member_in_scope(actor, member)
    social_org = in_scope_record(actor, SocialOrganisation, social_org)
    new_domain_org = in_scope_record(actor, NewDomainOrg, new_domain_org)
    if home_unit is not None:
        home_unit = OutsideUnit.objects.pickable_by(actor).filter(pk=getattr(home_unit, "pk", home_unit)).first()
        if home_unit is None:
            raise ScopeDenied(Action.VIEW)
    target = social_org or new_domain_org
    if target is None or (social_org is not None and new_domain_org is not None):
        raise error("social_org", _("Choose one social organisation or new-domain organisation."), "target")
    target_unit = fresh_unit(target.unit_id)
    if not (unit.tree_id == target_unit.tree_id and unit.lft <= target_unit.lft and target_unit.rght <= unit.rght):
        raise error("social_org", _("The organisation is not under the posting unit."), "target_outside")
    if member is None and home_unit is None:
        raise error("home_unit", _("An outside cadre needs a home unit."), "required")
    check_dates(started_on, ended_on)
    posting = Posting(unit=unit, role=role, member=member, person_name=person(member, person_name),
                      home_unit=home_unit, social_org=social_org, new_domain_org=new_domain_org,
                      started_on=started_on, ended_on=ended_on)
    posting.full_clean()
    posting.save()
    recheck_scope(actor, Action.CHANGE, unit_id=posting.unit_id)
    audit(actor, "governance.posting.create", posting)
    return posting


@transaction.atomic
def posting_end(*, actor, posting, ended_on=None) -> Posting:
    posting = (Posting.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",))
               .filter(pk=getattr(posting, "pk", posting)).first())
    if posting is None:
        raise ScopeDenied(Action.CHANGE)
    if posting.ended_on is not None:
        raise error("ended_on", _("This posting has already ended."), "ended")
    posting.ended_on = ended_on or today()
    check_dates(posting.started_on, posting.ended_on)
    posting.save(update_fields=["ended_on", "updated_at"])
    audit(actor, "governance.posting.end", posting, before={"ended_on": None},
          after={"ended_on": posting.ended_on.isoformat()})
    return posting


# -- floating members -------------------------------------------------------------------------------

def _either_side(actor, origin, destination) -> None:
    if not (unit_in_scope(actor, Action.CHANGE, origin, fresh=True)
            or (destination is not None and unit_in_scope(actor, Action.CHANGE, destination, fresh=True))):
        raise ScopeDenied(Action.CHANGE)


@transaction.atomic
def floating_create(*, actor, member, left_on, destination_unit=None, destination_place: str = "",
                    reported_on=None, registered_on=None, task: str = "", task_case=None) -> FloatingMember:
    """Record a floating member: origin is where the member's relationship sits; the destination is a
    unit of the tree or a place outside. Either side's secretary may record it."""
    from org.models import Member

    member = Member.objects.select_related("unit").filter(pk=getattr(member, "pk", member)).first()
    if member is None or member.unit_id is None:
        raise error("member", _("The member's relationship must sit in a unit of the tree."), "no_origin")
    origin = fresh_unit(member.unit_id)
    destination = fresh_unit(destination_unit) if destination_unit is not None else None
    _either_side(actor, origin, destination)
    if destination is not None and destination.pk == origin.pk:
        raise error("destination_unit", _("The destination is the origin itself."), "same_unit")
    if FloatingMember.objects.filter(member=member, ended_on__isnull=True).exists():
        raise error("member", _("This member is already recorded as floating."), "already_floating")
    if task_case is not None:
        task_case = in_scope_record(actor, Case, task_case)
    record = FloatingMember(member=member, origin_unit=origin, destination_unit=destination,
                            destination_place=(destination_place or "").strip(), left_on=left_on,
                            reported_on=reported_on, registered_on=registered_on, task=(task or "").strip(),
                            task_case=task_case)
    record.full_clean()
    record.save()
    audit(actor, "governance.floating.create", record)
    return record


@transaction.atomic
def floating_update(*, actor, record, reported_on=None, registered_on=None, task=None, ended_on=None) -> FloatingMember:
    """Report at the origin, register at the destination, claim a task, or end the record."""
    record = (FloatingMember.objects.for_user(actor, Action.CHANGE).select_for_update(of=("self",))
              .filter(pk=getattr(record, "pk", record)).first())
    if record is None:
        raise ScopeDenied(Action.CHANGE)
    fields = {"reported_on": reported_on, "registered_on": registered_on, "task": task, "ended_on": ended_on}
    before, after = {}, {}
    for name, value in fields.items():
        if value is None:
            continue
        before[name] = getattr(record, name)
        setattr(record, name, value.strip() if isinstance(value, str) else value)
        after[name] = getattr(record, name)
    record.full_clean()
    record.save()
    audit(actor, "governance.floating.update", record,
          before={k: str(v) if v is not None else None for k, v in before.items()},
          after={k: str(v) for k, v in after.items()})
    return record


def floating_overdue(day: dt.date, grace_days: int = 14):
    """Current floating members who have not reported or registered within ``grace_days`` of leaving."""
    return FloatingMember.objects.filter(
        Q(reported_on__isnull=True) | Q(registered_on__isnull=True), ended_on__isnull=True,
        left_on__lt=day - dt.timedelta(days=grace_days),
    )


@transaction.atomic
def weekly_floating_run(*, day: dt.date | None = None) -> dict:
    """The weekly job: remind both sides' secretaries of each overdue floating member, once per
    (member, ISO week) (``FloatingReminder``)."""
    from supervision.services.common import holder_users
    from supervision.services.notifications import notification_create

    day = day or today()
    year, week, _weekday = day.isocalendar()
    period = f"{year}-W{week:02d}"
    reminded = sent = 0
    rows = floating_overdue(day).exclude(reminders__week=period).select_related("member", "origin_unit",
                                                                               "destination_unit")
    for record in rows:
        _reminder, created = FloatingReminder.objects.get_or_create(floating=record, week=period)
        if not created:
            continue
        reminded += 1
        for unit in filter(None, (record.origin_unit, record.destination_unit)):
            for user_id in holder_users(unit_id=unit.community_anc_id or unit.pk):
                if notification_create(actor=None, recipient=user_id, kind=FLOATING_KIND,
                                       params={"member": record.member.name, "period": period},
                                       link=reverse("governance:floating_list"), unit=unit,
                                       dedupe_key=f"gov-floating-{record.pk}-{period}"):
                    sent += 1
    result = {"week": period, "reminded": reminded, "notifications": sent}
    audit(None, "governance.weekly_floating", None, after=result)
    return result


# -- brands -----------------------------------------------------------------------------------------

@transaction.atomic
def brand_create(*, actor, unit, name: str, started_on, slogan: str = "", model: str = "", elements=(),
                 social_orgs=()) -> Brand:
    """A community's (or a compound's) brand; the current one (if any) ends the day before (history kept)."""
    unit = unit_at(unit, (Level.COMMUNITY, Level.COMPOUND))
    require(actor, unit)
    orgs = [in_scope_record(actor, SocialOrganisation, o) for o in social_orgs]
    if any(o.unit_id != (unit.community_anc_id or unit.pk) for o in orgs):
        raise error("social_orgs", _("Only the community's own social organisations carry its brand."), "other_unit")
    current = Brand.objects.select_for_update().filter(unit=unit, ended_on__isnull=True).first()
    if current is not None:
        if started_on <= current.started_on:
            raise error("started_on", _("The new brand starts before the current one."), "date_order")
        current.ended_on = started_on - dt.timedelta(days=1)
        current.save(update_fields=["ended_on", "updated_at"])
    brand = Brand(unit=unit, name=not_blank(name, "name"), slogan=slogan or "", model=model or "",
                  elements=[str(e).strip() for e in elements if str(e).strip()], started_on=started_on)
    brand.full_clean()
    brand.save()
    brand.social_orgs.set(orgs)
    audit(actor, "governance.brand.create", brand,
          after={"name": brand.name, "elements": brand.elements, "ended_previous": getattr(current, "pk", None)})
    return brand


__all__ = [
    "FLOATING_KIND", "brand_create", "floating_create", "floating_overdue", "floating_update", "posting_create",
    "posting_end", "social_org_create", "social_org_leader_applied", "social_org_leader_set",
    "social_org_stage_change", "weekly_floating_run",
]
