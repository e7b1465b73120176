"""Writes of the regional joint conference (区域化党建联席会议): the conference, its member units and their
representatives (the part-time committee seats already recorded), meetings and resolutions (one that
needs work becomes a case through the work system's own ``case_register``), and the three lists: needs
(raised by hand or in one click from a visit record or a case), resources, and joint projects with their
state transitions. Every write: one transaction, the scope checked fresh before and after, one audit row."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_write, snapshot
from core.scoping import Action, ScopeDenied, in_subtree, recheck_scope, require_scope
from core.validators import check_record_date
from supervision.choices import CaseKind, CaseSource, Category, ResponsibleLevel
from supervision.models import Case, VisitRecord
from supervision.services import case_register

from ..choices import (
    JOINT_PROJECT_TRANSITIONS,
    LEVEL_OF_KIND,
    JointNeedState,
    JointProjectAction,
    JointProjectState,
    Level,
)
from ..models import (
    ConferenceMeeting,
    ConferenceMemberUnit,
    ConferenceResolution,
    JointConference,
    JointNeed,
    JointProject,
    JointProjectEvent,
    JointResource,
    OrgUnit,
    OutsideUnit,
    PartTimeMember,
)

__all__ = [
    "conference_meeting_create", "conference_member_add", "conference_member_end",
    "conference_member_set_representatives", "conference_resolution_create", "conference_resolution_create_case",
    "joint_conference_create", "joint_conference_update", "joint_need_close", "joint_need_create",
    "joint_need_raise_from_case", "joint_need_raise_from_visit", "joint_project_create", "joint_project_transition",
    "joint_resource_create", "nearest_conference",
]

CONFERENCE_FIELDS = ("name", "established_on", "note")


def _error(field, message, code):
    return ValidationError({field: ValidationError(message, code=code)})


def _today():
    return timezone.localdate()


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _lock_conference(actor, conference, action: str = Action.CHANGE) -> JointConference:
    conference = (JointConference.objects.select_for_update(of=("self",)).select_related("unit")
                  .get(pk=getattr(conference, "pk", conference)))
    require_scope(actor, action, conference.unit)
    return conference


def _recheck(actor, conference: JointConference) -> None:
    recheck_scope(actor, Action.CHANGE, unit_id=conference.unit_id)


def _in_conference(conference: JointConference, unit: OrgUnit) -> bool:
    return in_subtree(unit, conference.unit)


def nearest_conference(unit: OrgUnit) -> JointConference | None:
    """The conference a need at ``unit`` goes to: its street's, else its district's. One query."""
    found = list(JointConference.objects.select_related("unit").filter(
        Q(unit_id=unit.street_anc_id or 0) | Q(unit__tree_id=unit.tree_id, unit__level=0)))
    return next((c for c in found if c.unit_id == unit.street_anc_id), None) or next(iter(found), None)


# -- the conference ---------------------------------------------------------------------------------

@transaction.atomic
def joint_conference_create(*, actor, unit: OrgUnit, name: str, established_on, note: str = "") -> JointConference:
    """The joint conference of a street or of the district (CHANGE over that unit); one per unit."""
    unit = OrgUnit.objects.get(pk=unit.pk)
    require_scope(actor, Action.CHANGE, unit)
    if established_on is not None:
        check_record_date(established_on, "established_on", latest=_today())
    conference = JointConference(unit=unit, name=(name or "").strip(), established_on=established_on,
                                 note=note or "")
    conference.full_clean()
    conference.save()
    _recheck(actor, conference)
    audit_write(actor=actor, action="joint_conference.create", obj=conference, after=snapshot(conference))
    return conference


@transaction.atomic
def joint_conference_update(*, actor, conference: JointConference, **changes) -> JointConference:
    unknown = set(changes) - set(CONFERENCE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    conference = _lock_conference(actor, conference)
    before = snapshot(conference)
    for field, value in changes.items():
        setattr(conference, field, value.strip() if field == "name" and isinstance(value, str) else value)
    if "established_on" in changes and conference.established_on:
        check_record_date(conference.established_on, "established_on", latest=_today())
    conference.full_clean()
    conference.save(update_fields=[*changes, "updated_at"])
    _recheck(actor, conference)
    audit_write(actor=actor, action="joint_conference.update", obj=conference, before=before,
                after=snapshot(conference))
    return conference


def _representatives(conference, outside_unit, representatives, day) -> list[PartTimeMember]:
    """The seats that represent ``outside_unit``: part-time committee members from that unit seated on a
    committee of the conference's subtree, in term on ``day``. None: all of them."""
    seats = (PartTimeMember.objects.current(day).filter(home_unit=outside_unit)
             .filter(seat__tree_id=conference.unit.tree_id, seat__lft__gte=conference.unit.lft,
                     seat__rght__lte=conference.unit.rght))
    if representatives is None:
        return list(seats)
    wanted = {getattr(r, "pk", r) for r in representatives}
    found = list(seats.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise _error("representatives", _("A representative must be a part-time committee member from this unit, "
                                          "seated in this conference's area and in term."), "not_a_seat")
    return found


def _member_snapshot(member_unit) -> dict:
    data = snapshot(member_unit)
    data["representatives"] = sorted(member_unit.representatives.values_list("pk", flat=True))
    return data


@transaction.atomic
def conference_member_add(*, actor, conference: JointConference, outside_unit: OutsideUnit, joined_on,
                          duty: str = "", representatives=None) -> ConferenceMemberUnit:
    """Make an outside unit a member of the conference. ``representatives`` (seats of
    ``PartTimeMember``) default to every seat of a person from that unit in the conference's area."""
    conference = _lock_conference(actor, conference)
    if not OutsideUnit.objects.pickable_by(actor).filter(pk=getattr(outside_unit, "pk", outside_unit)).exists():
        raise _error("outside_unit", _("No such unit among those you may pick."), "not_found")
    outside_unit = OutsideUnit.objects.get(pk=getattr(outside_unit, "pk", outside_unit))
    joined_on = joined_on or _today()
    check_record_date(joined_on, "joined_on", latest=_today())
    reps = _representatives(conference, outside_unit, representatives, joined_on)
    member = ConferenceMemberUnit(conference=conference, outside_unit=outside_unit, joined_on=joined_on,
                                  duty=(duty or "").strip())
    member.full_clean()
    member.save()
    member.representatives.set(reps)
    _recheck(actor, conference)
    audit_write(actor=actor, action="conference_member.add", obj=member, unit=conference.unit,
                after=_member_snapshot(member))
    return member


def _lock_member(actor, member_unit) -> ConferenceMemberUnit:
    member = (ConferenceMemberUnit.objects.select_for_update(of=("self",)).select_related("conference__unit")
              .get(pk=getattr(member_unit, "pk", member_unit)))
    require_scope(actor, Action.CHANGE, member.conference.unit)
    return member


@transaction.atomic
def conference_member_set_representatives(*, actor, member_unit: ConferenceMemberUnit,
                                          representatives) -> ConferenceMemberUnit:
    member = _lock_member(actor, member_unit)
    before = _member_snapshot(member)
    member.representatives.set(_representatives(member.conference, member.outside_unit, representatives or [],
                                                 _today()))
    _recheck(actor, member.conference)
    audit_write(actor=actor, action="conference_member.representatives", obj=member, unit=member.conference.unit,
                before=before, after=_member_snapshot(member))
    return member


@transaction.atomic
def conference_member_end(*, actor, member_unit: ConferenceMemberUnit, left_on=None) -> ConferenceMemberUnit:
    """The unit leaves the conference on ``left_on`` (today by default)."""
    member = _lock_member(actor, member_unit)
    if member.left_on is not None:
        raise ValidationError(_("This unit has already left the conference."), code="ended")
    day = left_on or _today()
    if day < member.joined_on:
        raise _error("left_on", _("The end date is before the start date."), "date_order")
    before = snapshot(member)
    member.left_on = day
    member.full_clean()
    member.save(update_fields=["left_on", "updated_at"])
    _recheck(actor, member.conference)
    audit_write(actor=actor, action="conference_member.end", obj=member, unit=member.conference.unit,
                before=before, after=snapshot(member))
    return member


# -- meetings and resolutions -------------------------------------------------------------------------

@transaction.atomic
def conference_meeting_create(*, actor, conference: JointConference, held_on, title: str, agenda: str,
                              location: str = "", minutes: str = "", attendees=()) -> ConferenceMeeting:
    """A meeting held: its agenda, minutes and the member units present (members on that day)."""
    conference = _lock_conference(actor, conference)
    if held_on is None:
        raise _error("held_on", _("Enter the date of the meeting."), "required")
    check_record_date(held_on, "held_on", latest=_today())
    wanted = {getattr(a, "pk", a) for a in attendees or ()}
    present = list(ConferenceMemberUnit.objects.current(held_on).filter(conference=conference, pk__in=wanted))
    if len(present) != len(wanted):
        raise _error("attendees", _("Only member units of this conference on that day can attend."), "not_member")
    meeting = ConferenceMeeting(conference=conference, held_on=held_on, title=(title or "").strip(),
                                agenda=(agenda or "").strip(), location=(location or "").strip(),
                                minutes=minutes or "", created_by=_actor(actor))
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(present)
    _recheck(actor, conference)
    after = snapshot(meeting)
    after["attendees"] = sorted(wanted)
    audit_write(actor=actor, action="conference_meeting.create", obj=meeting, unit=conference.unit, after=after)
    return meeting


def _case_level(unit: OrgUnit) -> str:
    if unit.community_anc_id:
        return ResponsibleLevel.COMMUNITY
    if unit.street_anc_id:
        return ResponsibleLevel.STREET
    return ResponsibleLevel.DISTRICT


def _register_case(actor, resolution: ConferenceResolution, *, kind, category, title) -> Case:
    """The work a resolution needs, as a case of the work system (its own service and workflow), registered
    today with the work system's time limits."""
    return case_register(
        actor=actor, unit=resolution.unit, kind=kind or CaseKind.DIFFICULTY, source=CaseSource.OTHER,
        category=category or Category.OTHER, title=(title or resolution.text)[:120],
        description=resolution.text, source_ref=f"org-joint-resolution-{resolution.pk}",
        level=_case_level(resolution.unit),
    )


@transaction.atomic
def conference_resolution_create(*, actor, meeting: ConferenceMeeting, text: str, needs_work: bool = False,
                                 unit: OrgUnit | None = None, kind: str = CaseKind.DIFFICULTY,
                                 category: str = Category.OTHER, title: str = "") -> ConferenceResolution:
    """A resolution of a meeting; one that ``needs_work`` becomes a case at ``unit`` (the conference's unit
    by default, or a unit below it) through ``supervision.services.case_register``."""
    meeting = (ConferenceMeeting.objects.select_for_update(of=("self",)).select_related("conference__unit")
               .get(pk=getattr(meeting, "pk", meeting)))
    conference = meeting.conference
    require_scope(actor, Action.CHANGE, conference.unit)
    unit = OrgUnit.objects.get(pk=unit.pk) if unit is not None else conference.unit
    if not _in_conference(conference, unit):
        raise _error("unit", _("The unit lies outside this conference's area."), "outside_area")
    require_scope(actor, Action.CHANGE, unit)
    resolution = ConferenceResolution(meeting=meeting, text=(text or "").strip(), unit=unit,
                                      needs_work=bool(needs_work))
    resolution.full_clean()
    resolution.save()
    if resolution.needs_work:
        resolution.case = _register_case(actor, resolution, kind=kind, category=category, title=title)
        resolution.save(update_fields=["case", "updated_at"])
    _recheck(actor, conference)
    audit_write(actor=actor, action="conference_resolution.create", obj=resolution, unit=conference.unit,
                after=snapshot(resolution))
    return resolution


@transaction.atomic
def conference_resolution_create_case(*, actor, resolution: ConferenceResolution, kind: str = CaseKind.DIFFICULTY,
                                      category: str = Category.OTHER, title: str = "") -> ConferenceResolution:
    """A recorded resolution turns out to need work: register its case (once)."""
    resolution = (ConferenceResolution.objects.select_for_update(of=("self",))
                  .select_related("meeting__conference__unit", "unit").get(pk=getattr(resolution, "pk", resolution)))
    conference = resolution.meeting.conference
    require_scope(actor, Action.CHANGE, conference.unit)
    if resolution.case_id:
        raise ValidationError(_("This resolution already has its case."), code="has_case")
    before = snapshot(resolution)
    resolution.needs_work = True
    resolution.case = _register_case(actor, resolution, kind=kind, category=category, title=title)
    resolution.save(update_fields=["needs_work", "case", "updated_at"])
    _recheck(actor, conference)
    audit_write(actor=actor, action="conference_resolution.create_case", obj=resolution, unit=conference.unit,
                before=before, after=snapshot(resolution))
    return resolution


# -- needs ------------------------------------------------------------------------------------------------

@transaction.atomic
def joint_need_create(*, actor, unit: OrgUnit, title: str, description: str = "", raised_on=None,
                      source_visit: VisitRecord | None = None, source_case: Case | None = None) -> JointNeed:
    """A residents' need at a community, compound or building (CHANGE over it), put before the conference
    of the street above it (else the district's)."""
    unit = OrgUnit.objects.get(pk=unit.pk)
    require_scope(actor, Action.CHANGE, unit)
    if LEVEL_OF_KIND.get(unit.kind, -1) < Level.COMMUNITY:
        raise _error("unit", _("A need is raised at a community, a compound or a building."), "bad_level")
    conference = nearest_conference(unit)
    if conference is None:
        raise _error("unit", _("No joint conference has been set up above this unit."), "no_conference")
    raised_on = raised_on or _today()
    check_record_date(raised_on, "raised_on", latest=_today())
    need = JointNeed(conference=conference, unit=unit, title=(title or "").strip()[:120],
                     description=(description or "").strip(), raised_on=raised_on, raised_by=_actor(actor),
                     source_visit=source_visit, source_case=source_case)
    need.full_clean()
    need.save()
    recheck_scope(actor, Action.CHANGE, unit_id=need.unit_id)
    audit_write(actor=actor, action="joint_need.create", obj=need, after=snapshot(need))
    return need


@transaction.atomic
def joint_need_raise_from_visit(*, actor, visit) -> JointNeed:
    """One click on a visit record: the need of what residents said there (once per visit: a second click
    gives the need already raised)."""
    found = VisitRecord.objects.for_user(actor, Action.VIEW).select_related("place").filter(
        pk=getattr(visit, "pk", visit)).first()
    if found is None:
        raise ScopeDenied(Action.VIEW)
    existing = JointNeed.objects.filter(source_visit=found).first()
    if existing is not None:
        return existing
    heard = found.heard.strip()
    return joint_need_create(actor=actor, unit=found.place, title=heard.splitlines()[0][:120] if heard else "",
                             description=heard, source_visit=found)


@transaction.atomic
def joint_need_raise_from_case(*, actor, case) -> JointNeed:
    """One click on a case: the need behind it (once per case)."""
    found = Case.objects.for_user(actor, Action.VIEW).select_related("unit").filter(
        pk=getattr(case, "pk", case)).first()
    if found is None:
        raise ScopeDenied(Action.VIEW)
    existing = JointNeed.objects.filter(source_case=found).first()
    if existing is not None:
        return existing
    return joint_need_create(actor=actor, unit=found.unit, title=found.title, description=found.description,
                             source_case=found)


@transaction.atomic
def joint_need_close(*, actor, need: JointNeed) -> JointNeed:
    need = JointNeed.objects.select_for_update(of=("self",)).select_related("unit").get(pk=getattr(need, "pk", need))
    require_scope(actor, Action.CHANGE, need.unit)
    if need.state == JointNeedState.CLOSED:
        raise ValidationError(_("This need is already closed."), code="closed")
    before = snapshot(need)
    need.state = JointNeedState.CLOSED
    need.save(update_fields=["state", "updated_at"])
    audit_write(actor=actor, action="joint_need.close", obj=need, before=before, after=snapshot(need))
    return need


# -- resources ---------------------------------------------------------------------------------------

@transaction.atomic
def joint_resource_create(*, actor, conference: JointConference, member_unit: ConferenceMemberUnit, kind: str,
                          title: str, description: str = "", amount_yuan=None, volunteers=None) -> JointResource:
    """What a current member unit offers the conference."""
    conference = _lock_conference(actor, conference)
    member = ConferenceMemberUnit.objects.current().filter(conference=conference,
                                                           pk=getattr(member_unit, "pk", member_unit)).first()
    if member is None:
        raise _error("member_unit", _("Only a current member unit of this conference can offer a resource."),
                     "not_member")
    resource = JointResource(conference=conference, member_unit=member, kind=kind, title=(title or "").strip(),
                             description=(description or "").strip(), amount_yuan=amount_yuan,
                             volunteers=volunteers)
    resource.full_clean()
    resource.save()
    _recheck(actor, conference)
    audit_write(actor=actor, action="joint_resource.create", obj=resource, unit=conference.unit,
                after=snapshot(resource))
    return resource


# -- projects --------------------------------------------------------------------------------------------

def _project_snapshot(project) -> dict:
    data = snapshot(project)
    data["member_units"] = sorted(project.member_units.values_list("pk", flat=True))
    data["communities"] = sorted(project.communities.values_list("pk", flat=True))
    return data


@transaction.atomic
def joint_project_create(*, actor, conference: JointConference, need: JointNeed, resource: JointResource,
                         title: str = "", member_units=None, communities=None, matched_on=None) -> JointProject:
    """Match a need of the conference with a resource of one of its member units: a planned project. The
    member units involved default to the resource's; the communities to the need's."""
    conference = _lock_conference(actor, conference)
    need = JointNeed.objects.select_for_update(of=("self",)).select_related("unit").filter(
        pk=getattr(need, "pk", need), conference=conference).first()
    if need is None:
        raise _error("need", _("Choose a need of this conference."), "not_found")
    if need.state == JointNeedState.CLOSED:
        raise _error("need", _("This need is closed."), "closed")
    resource = JointResource.objects.filter(pk=getattr(resource, "pk", resource), conference=conference,
                                            is_active=True).first()
    if resource is None:
        raise _error("resource", _("Choose an available resource of this conference."), "not_found")
    wanted = {getattr(m, "pk", m) for m in member_units} if member_units else {resource.member_unit_id}
    units = list(ConferenceMemberUnit.objects.current().filter(conference=conference, pk__in=wanted))
    if len(units) != len(wanted):
        raise _error("member_units", _("Only current member units of this conference can take part."), "not_member")
    if communities:
        places = list(OrgUnit.objects.filter(pk__in={getattr(c, "pk", c) for c in communities}))
        if len(places) != len({getattr(c, "pk", c) for c in communities}) or any(
                LEVEL_OF_KIND.get(p.kind) != Level.COMMUNITY or not _in_conference(conference, p) for p in places):
            raise _error("communities", _("The communities must lie in this conference's area."), "outside_area")
    else:
        places = [OrgUnit.objects.get(pk=need.unit.community_anc_id)] if need.unit.community_anc_id else []
    matched_on = matched_on or _today()
    check_record_date(matched_on, "matched_on", latest=_today())
    project = JointProject(conference=conference, need=need, resource=resource,
                           title=(title or need.title).strip()[:120], matched_on=matched_on,
                           created_by=_actor(actor))
    project.full_clean()
    project.save()
    project.member_units.set(units)
    project.communities.set(places)
    JointProjectEvent.objects.create(project=project, actor=_actor(actor), from_state="",
                                     to_state=project.state)
    if need.state == JointNeedState.OPEN:
        need.state = JointNeedState.MATCHED
        need.save(update_fields=["state", "updated_at"])
    _recheck(actor, conference)
    audit_write(actor=actor, action="joint_project.create", obj=project, unit=conference.unit,
                after=_project_snapshot(project))
    return project


@transaction.atomic
def joint_project_transition(*, actor, project: JointProject, action: str, on=None, results: str = "",
                             households_benefited: int | None = None, note: str = "") -> JointProject:
    """Start, complete (with its results) or cancel (with the reason) a project; one event per step."""
    project = (JointProject.objects.select_for_update(of=("self",)).select_related("conference__unit")
               .get(pk=getattr(project, "pk", project)))
    require_scope(actor, Action.CHANGE, project.conference.unit)
    if action not in JOINT_PROJECT_TRANSITIONS:
        raise _error("action", _("Unknown action."), "bad_action")
    sources, target = JOINT_PROJECT_TRANSITIONS[action]
    if project.state not in sources:
        raise ValidationError(_("This step is not possible in the project's current state."), code="bad_state")
    day = on or _today()
    check_record_date(day, "on", latest=_today())
    before = snapshot(project)
    fields = ["state", "updated_at"]
    if action == JointProjectAction.START:
        project.started_on = day
        fields.append("started_on")
    elif action == JointProjectAction.COMPLETE:
        if not (results or "").strip():
            raise _error("results", _("Describe the results of the project."), "required")
        if project.started_on and day < project.started_on:
            raise _error("on", _("The end date is before the start date."), "date_order")
        project.completed_on, project.results = day, results.strip()
        fields += ["completed_on", "results"]
        if households_benefited is not None:
            project.households_benefited = households_benefited
            fields.append("households_benefited")
    elif action == JointProjectAction.CANCEL and not (note or "").strip():
        raise _error("note", _("Give the reason for cancelling."), "required")
    from_state = project.state
    project.state = target
    project.full_clean()
    project.save(update_fields=fields)
    JointProjectEvent.objects.create(project=project, actor=_actor(actor), from_state=from_state, to_state=target,
                                     note=(note or "").strip())
    if target == JointProjectState.CANCELLED:
        need = JointNeed.objects.select_for_update(of=("self",)).get(pk=project.need_id)
        live = need.projects.exclude(state=JointProjectState.CANCELLED).exists()
        if need.state == JointNeedState.MATCHED and not live:
            need.state = JointNeedState.OPEN
            need.save(update_fields=["state", "updated_at"])
    _recheck(actor, project.conference)
    audit_write(actor=actor, action=f"joint_project.{action}", obj=project, unit=project.conference.unit,
                before=before, after=snapshot(project))
    return project
