"""Demo data of the regional joint conference and of grids, through the services; idempotent.

- ``seed_grid_matters`` (after the members): the district's catalogue of matters handled in grids; each urban
  community's grids get its compounds and buildings, matters, a grid worker, a building lead and a volunteer
  picked from the member records.
- ``seed_joint_conference`` (after the work system's visits and cases): the district's and the six urban
  streets' conferences, their member units (the home units of the part-time committee members seated in
  the street: linked, not retyped), quarterly meetings with attendance and resolutions (one needing work
  becomes a case), resources, needs raised from visit records and cases, and projects in every state.
"""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..choices import GridRole, JointProjectState, JointResourceKind, UnitKind
from ..models import (
    ConferenceMemberUnit,
    Grid,
    GridMatter,
    JointConference,
    JointNeed,
    JointResource,
    Member,
    OrgUnit,
    OutsideUnit,
    OutsideUnitKind,
    PartTimeMember,
)
from ..services import (
    conference_meeting_create,
    conference_member_add,
    conference_resolution_create,
    grid_assignment_create,
    grid_matter_create,
    grid_update,
    joint_conference_create,
    joint_need_create,
    joint_need_raise_from_case,
    joint_need_raise_from_visit,
    joint_project_create,
    joint_project_transition,
    joint_resource_create,
)
from .tree import DISTRICT_CODE, demo_admin

MATTERS = [
    ("RG01", "安全隐患排查", "区应急管理局"), ("RG02", "独居老人探访", "区民政局"), ("RG03", "矛盾纠纷调解", "区司法局"),
    ("RG04", "环境卫生巡查", "区城管局"), ("RG05", "流动人口信息采集", "区公安分局"), ("RG06", "社会救助申报代办", "区民政局"),
    ("RG07", "消防安全检查", "区消防救援大队"), ("RG08", "政策宣传与民意收集", "区委宣传部"),
    ("RG09", "退役军人服务", "区退役军人事务局"), ("RG10", "食品安全巡查", "区市场监管局"),
]
YEAR = 2026
MEETING_DAYS = [date(YEAR, 1, 20), date(YEAR, 4, 16), date(YEAR, 7, 15), date(YEAR, 10, 14)]
RESOURCES = [
    (JointResourceKind.VENUE, "党员活动室和会议室共享", None, None),
    (JointResourceKind.VOLUNTEERS, "在职党员志愿服务队", None, 20),
    (JointResourceKind.FUNDS, "共建帮扶资金", 50000, None),
    (JointResourceKind.EXPERTISE, "法律、金融、政策咨询", None, None),
]
RESULTS = ["建成小区老年活动室，开放后日均服务居民60余人次", "完成楼道杂物清理和消防通道整治",
           "为困难家庭解决就业岗位12个"]


@transaction.atomic
def seed_grid_matters(*, stdout=None) -> str:
    actor = demo_admin()
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    departments = {u.short_name: u for u in OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT)}
    existing = set(GridMatter.objects.values_list("code", flat=True))
    for n, (code, name, dept) in enumerate(MATTERS):
        if code not in existing:
            grid_matter_create(actor=actor, registered_at=district, code=code, name=name,
                               department=departments.get(dept), sort_order=n + 1)
    matters = list(GridMatter.objects.filter(registered_at=district).order_by("sort_order"))
    updated = people = 0
    communities = OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code")
    for community in communities:
        grids = list(Grid.objects.filter(community=community).order_by("code"))
        if not grids or any(g.units.exists() for g in grids):
            continue
        compounds = list(OrgUnit.objects.filter(parent=community, kind=UnitKind.COMPOUND).order_by("code"))
        share: dict[int, list] = {g.pk: [] for g in grids}
        for i, compound in enumerate(compounds):
            grid = grids[i % len(grids)]
            share[grid.pk] += [compound, *OrgUnit.objects.filter(parent=compound).order_by("code")]
        for k, grid in enumerate(grids):
            grid_update(actor=actor, grid=grid, units=share[grid.pk],
                        matters=[m for j, m in enumerate(matters) if (j + k) % 3 != 2])
            updated += 1
            roles = set(grid.assignments.values_list("role", flat=True))
            if GridRole.GRID_WORKER not in roles:
                grid_assignment_create(actor=actor, grid=grid, person_name=f"{grid.name}专职网格员",
                                       role=GridRole.GRID_WORKER, phone="", valid_from=date(2021, 3, 1))
                people += 1
            units = share[grid.pk]
            if not units:
                continue
            residents = list(Member.objects.current().filter(Q(unit__in=units) | Q(residence__in=units))
                             .order_by("pk")[:2])
            buildings = [u for u in units if u.kind == UnitKind.BUILDING] or units
            if residents and GridRole.BUILDING_HEAD not in roles:
                grid_assignment_create(actor=actor, grid=grid, member=residents[0], role=GridRole.BUILDING_HEAD,
                                       building=buildings[0], valid_from=date(2021, 3, 1))
                people += 1
            if len(residents) > 1 and GridRole.VOLUNTEER not in roles:
                grid_assignment_create(actor=actor, grid=grid, member=residents[1], role=GridRole.VOLUNTEER,
                                       valid_from=date(2022, 5, 1))
                people += 1
    return f"{len(matters)} matters, {updated} grids given units and matters, {people} people assigned"


def _conference_units(conference) -> list[OutsideUnit]:
    """The home units of the part-time committee members seated in the conference's area."""
    u = conference.unit
    ids = (PartTimeMember.objects.current().filter(seat__tree_id=u.tree_id, seat__lft__gte=u.lft,
                                                   seat__rght__lte=u.rght)
           .order_by("home_unit__kind", "home_unit__code").values_list("home_unit_id", flat=True))
    seen = []
    for pk in ids:
        if pk not in seen:
            seen.append(pk)
    units = {o.pk: o for o in OutsideUnit.objects.filter(pk__in=seen)}
    return [units[pk] for pk in seen]


def _seed_one(actor, unit, name, limit) -> dict:
    from supervision.choices import OPEN_STATES
    from supervision.models import Case, VisitRecord

    conference = joint_conference_create(actor=actor, unit=unit, name=name, established_on=date(2021, 3, 1))
    members = []
    for n, outside in enumerate(_conference_units(conference)[:limit]):
        members.append(conference_member_add(actor=actor, conference=conference, outside_unit=outside,
                                             joined_on=date(2021, 3, 1), duty="轮值主席单位" if n == 0 else "成员单位"))
    today = timezone.localdate()
    meetings = []
    for n, day in enumerate(d for d in MEETING_DAYS if d <= today):
        present = [m for j, m in enumerate(members) if (j + n) % 5 != 4]
        meeting = conference_meeting_create(
            actor=actor, conference=conference, held_on=day, title=f"{YEAR}年第{n + 1}季度区域化党建联席会议",
            location=f"{unit.name}党群服务中心", agenda="通报上季度共建项目进展；梳理需求清单和资源清单；议定本季度共建项目",
            minutes="各成员单位通报共建情况，会议对需求和资源进行了对接。", attendees=present)
        conference_resolution_create(actor=actor, meeting=meeting, text="审议通过本季度需求、资源、项目三张清单")
        meetings.append(meeting)
    resources = []
    for n, member in enumerate(members[:len(RESOURCES)]):
        kind, title, amount, volunteers = RESOURCES[n]
        resources.append(joint_resource_create(actor=actor, conference=conference, member_unit=member, kind=kind,
                                               title=f"{member.outside_unit}{title}", amount_yuan=amount,
                                               volunteers=volunteers))
    u = unit
    # The needs this conference receives: those of its area not under a street with a conference of its own
    # (for a street: its whole area; for the district: the towns' villages).
    visits = (VisitRecord.objects.filter(needs_follow_up=True, joint_needs=None, place__tree_id=u.tree_id,
                                         place__lft__gte=u.lft, place__rght__lte=u.rght)
              .exclude(place__street_anc__joint_conferences__in=JointConference.objects.exclude(pk=conference.pk)))
    cases = (Case.objects.filter(state__in=OPEN_STATES, joint_needs=None, unit__tree_id=u.tree_id,
                                 unit__lft__gte=u.lft, unit__rght__lte=u.rght)
             .exclude(unit__street_anc__joint_conferences__in=JointConference.objects.exclude(pk=conference.pk)))
    needs = []
    for visit in visits.order_by("-visited_on", "pk")[:3]:
        needs.append(joint_need_raise_from_visit(actor=actor, visit=visit))
    for case in cases.order_by("-registered_on", "pk")[:2]:
        needs.append(joint_need_raise_from_case(actor=actor, case=case))
    places = (OrgUnit.objects.filter(parent=unit, kind=UnitKind.COMMUNITY) if unit.parent_id else
              OrgUnit.objects.filter(tree_id=u.tree_id, kind=UnitKind.VILLAGE)
              .exclude(street_anc__joint_conferences__isnull=False))
    community = places.order_by("code").first()
    if community is not None:
        needs.append(joint_need_create(actor=actor, unit=community, title="建设社区党群服务站点",
                                       description="居民希望在家门口有活动和办事的场所", raised_on=date(YEAR, 2, 10)))
    if meetings and community is not None:
        conference_resolution_create(actor=actor, meeting=meetings[0], unit=community, needs_work=True,
                                     text=f"{community.name}老旧小区排水管网改造，由街道牵头、成员单位协助推进")
    needs = [n for n in needs if n.conference_id == conference.pk]
    projects = 0
    states = [JointProjectState.COMPLETED, JointProjectState.IN_PROGRESS, JointProjectState.PLANNED]
    for n, (need, state) in enumerate(zip(needs, states)):
        if not resources:
            break
        project = joint_project_create(actor=actor, conference=conference, need=need,
                                       resource=resources[n % len(resources)], matched_on=date(YEAR, 3, 1 + n))
        if state in (JointProjectState.IN_PROGRESS, JointProjectState.COMPLETED):
            joint_project_transition(actor=actor, project=project, action="start", on=date(YEAR, 3, 20))
        if state == JointProjectState.COMPLETED:
            joint_project_transition(actor=actor, project=project, action="complete", on=date(YEAR, 8, 30),
                                     results=RESULTS[n % len(RESULTS)], households_benefited=120 + 10 * n)
        projects += 1
    return {"members": len(members), "meetings": len(meetings), "needs": len(needs), "projects": projects}


@transaction.atomic
def seed_joint_conference(*, stdout=None) -> str:
    actor = demo_admin()
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    # The streets first: a need goes to the conference nearest to it, the district's takes the rest.
    plan = [(street, f"{street.name}“大工委”区域化党建联席会议", 12)
            for street in OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code")]
    plan.append((district, "苏仙区区域化党建联席会议", 15))
    done = set(JointConference.objects.values_list("unit_id", flat=True))
    totals = {"members": 0, "meetings": 0, "needs": 0, "projects": 0}
    for unit, name, limit in plan:
        if unit.pk in done:
            continue
        for key, value in _seed_one(actor, unit, name, limit).items():
            totals[key] += value
    return (f"{ConferenceMemberUnit.objects.count()} member units, {JointNeed.objects.count()} needs, "
            f"{JointResource.objects.count()} resources; this run: {totals}")
