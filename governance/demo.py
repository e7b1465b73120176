"""Demo data of the governance system for ``seed_demo``: a governance year (2026) over the demo tree,
built through the services. Owners' committees in most compounds (seats linked to resident members),
property services, 131 incubated social organisations (plus some still cultivating or dissolved) and
122 current instructor/liaison postings (plus ended ones), two 1+N meetings in every urban community
with resolutions of every outcome (some implemented through cases, some tasks done and followed up,
some overdue), floating members in both directions, the three named brands and more. Deterministic
(fixed seed and dates) and idempotent (each step returns when its records exist)."""
from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from org.choices import NewDomainKind, UnitKind
from org.models import Member, NewDomainOrg, OrgUnit, OutsideUnit, OutsideUnitKind
from supervision.choices import CaseKind, Category, Satisfaction
from supervision.models import VisitRecord

from . import services as gs
from .choices import (
    CommitteeKind,
    FilingStatus,
    Outcome,
    ParticipantRole,
    PostingRole,
    SeatRole,
    SocialField,
    Stage,
    TopicSource,
)
from .models import Brand, Committee, Competition, FloatingMember, Meeting, SocialOrganisation

INCUBATED = 131
CULTIVATING = 14
DISSOLVED = 5
CURRENT_POSTINGS = 122
ENDED_POSTINGS = 18
FLOATING = 48
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文海燕"
SOCIAL_KINDS = [
    ("志愿服务队", SocialField.VOLUNTEERING), ("好人协会", SocialField.MEDIATION),
    ("老年服务协会", SocialField.CHILD_ELDERLY), ("四点半课堂", SocialField.CHILD_ELDERLY),
    ("助残帮扶队", SocialField.DISABILITY_POVERTY), ("广场舞队", SocialField.RECREATION),
    ("治安巡逻队", SocialField.PUBLIC_SAFETY), ("调解委员会", SocialField.MEDIATION),
    ("书画协会", SocialField.RECREATION), ("爱心互助会", SocialField.DISABILITY_POVERTY),
]
TOPICS = [
    ("小区停车位不足", Category.PROPERTY_MANAGEMENT), ("老旧楼栋加装电梯", Category.INFRASTRUCTURE),
    ("垃圾分类投放点设置", Category.ENVIRONMENT), ("物业费调整", Category.PROPERTY_MANAGEMENT),
    ("楼道堆放杂物", Category.SAFETY), ("路灯损坏维修", Category.INFRASTRUCTURE),
    ("广场舞噪音扰民", Category.NEIGHBOURHOOD), ("充电桩安装", Category.INFRASTRUCTURE),
    ("绿化带改造", Category.ENVIRONMENT), ("独居老人助餐", Category.SOCIAL_ASSISTANCE),
]
PLACES = ["广东省深圳市", "广东省广州市", "湖南省长沙市", "浙江省杭州市", "上海市"]
BRANDS = [
    ("爱莲湖社区", None, "党建+四会", "城市客厅、红莲品质", "党建引领四会",
     ["居民理事会", "道德评议会", "治安协作会", "好人协会"]),
    ("六角亭社区", None, "六社联动", "整合辖区资源", "六社联动",
     ["社区", "社会组织", "社工", "社会资源", "社会人才", "社会捐赠"]),
    ("环城桥社区", "御景湾小区", "御景红家", "红色物业，温暖御景", "小区党支部+业委会+物业",
     ["小区党支部", "业委会", "物业企业", "志愿服务队"]),
]
YEAR = 2026


def _rng(salt: int) -> random.Random:
    return random.Random(20260000 + salt)


def _admin():
    from org.demo.tree import demo_admin

    return demo_admin()


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _urban_communities() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("tree_id", "lft"))


def _members_by_community() -> dict[int, list[Member]]:
    """Current members whose relationship sits in each urban community's subtree, in a stable order."""
    by: dict[int, list[Member]] = {}
    for m in Member.objects.current().filter(unit__community_anc__kind=UnitKind.COMMUNITY).select_related("unit") \
            .order_by("pk"):
        by.setdefault(m.unit.community_anc_id, []).append(m)
    return by


# -- actors -----------------------------------------------------------------------------------------

def _companies(actor) -> list[tuple[OutsideUnit, NewDomainOrg | None]]:
    """Property companies as outside units, each linked to its party organisation where it has one."""
    from org.services import outside_unit_create

    pairs = []
    for org in NewDomainOrg.objects.filter(kind=NewDomainKind.PROPERTY_COMPANY).select_related("unit").order_by("code"):
        code = f"GOV-{org.code}"
        company = OutsideUnit.objects.filter(code=code).first() or outside_unit_create(
            actor=actor, kind=OutsideUnitKind.PROPERTY_COMPANY, code=code, name=org.name.removesuffix("党支部"),
            registered_at=OrgUnit.objects.get(pk=org.unit.street_anc_id))
        pairs.append((company, org))
    district = OrgUnit.objects.filter(level=0).order_by("tree_id").first()
    for n, name in enumerate(["郴州市美家物业管理有限公司", "湖南宜居物业服务有限公司", "郴州万和物业有限公司"]):
        code = f"GOV-WYX{n + 1}"
        company = OutsideUnit.objects.filter(code=code).first() or outside_unit_create(
            actor=actor, kind=OutsideUnitKind.PROPERTY_COMPANY, code=code, name=name, registered_at=district)
        pairs.append((company, None))
    return pairs


@transaction.atomic
def seed_actors(*, stdout=None) -> str:
    if Committee.objects.exists():
        return "compound actors exist"
    actor, rng = _admin(), _rng(1)
    companies = _companies(actor)
    compounds = list(OrgUnit.objects.filter(kind=UnitKind.COMPOUND, community_anc__kind=UnitKind.COMMUNITY)
                     .order_by("tree_id", "lft"))
    residents: dict[int, list[Member]] = {}
    for m in Member.objects.current().filter(residence__compound_anc__isnull=False).select_related("residence") \
            .order_by("pk"):
        residents.setdefault(m.residence.compound_anc_id if m.residence_id else 0, []).append(m)
    committees = seats = services = 0
    for n, compound in enumerate(compounds):
        company, party_org = companies[n % len(companies)]
        gs.property_service_create(actor=actor, unit=compound, company=company, party_org=party_org,
                                   started_on=dt.date(2020 + n % 4, 1 + n % 12, 1))
        services += 1
        if n % 6 == 5:  # about one compound in six has no owners' committee yet
            continue
        elected = dt.date(2023 + n % 3, 1 + n % 12, 5)
        kinds = [CommitteeKind.OWNERS] + ([CommitteeKind.SUPERVISORY] if n % 3 == 0 else [])
        for kind in kinds:
            committee = gs.committee_create(
                actor=actor, unit=compound, kind=kind, elected_on=elected, term_start=elected + dt.timedelta(days=10),
                term_end=elected + dt.timedelta(days=10 + 5 * 365),
                name=f"{compound.name}{'业主委员会' if kind == CommitteeKind.OWNERS else '业主监督委员会'}")
            committees += 1
            pool = list(residents.get(compound.pk, []))
            rng.shuffle(pool)
            size = 5 if kind == CommitteeKind.OWNERS else 3
            linked = min(len(pool), rng.randint(1, 3))
            for s in range(size):
                role = SeatRole.CHAIR if s == 0 else SeatRole.VICE_CHAIR if s == 1 else SeatRole.MEMBER
                if s < linked:
                    gs.committee_seat_add(actor=actor, committee=committee, role=role, member=pool[s])
                else:
                    gs.committee_seat_add(actor=actor, committee=committee, role=role, person_name=_name(rng))
                seats += 1
        gs.resident_representative_add(actor=actor, unit=compound, person_name=_name(rng),
                                       started_on=dt.date(2024, 3, 1))
    return f"{committees} committees, {seats} seats, {services} property services"


# -- social organisations and postings ---------------------------------------------------------------

@transaction.atomic
def seed_social(*, stdout=None) -> str:
    if SocialOrganisation.objects.exists():
        return "social organisations exist"
    actor, rng = _admin(), _rng(2)
    communities = _urban_communities()
    members = _members_by_community()
    departments = list(OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT).order_by("code"))
    total = INCUBATED + CULTIVATING + DISSOLVED
    orgs = []
    for n in range(total):
        community = communities[n % len(communities)]
        label, field = SOCIAL_KINDS[(n // len(communities) + n) % len(SOCIAL_KINDS)]
        pool = members.get(community.pk, [])
        leader = pool[n % len(pool)] if pool and n % 5 in (0, 2) else None
        founded = dt.date(2019 + n % 6, 1 + n % 12, 1 + n % 27)
        org = gs.social_org_create(actor=actor, unit=community, name=f"{community.name.removesuffix('社区')}{label}",
                                   field=field, founded_on=founded, leader_member=leader,
                                   leader_name="" if leader else _name(rng))
        if n < INCUBATED or n >= INCUBATED + CULTIVATING:  # incubated, some further along; the last few dissolve
            day = founded + dt.timedelta(days=120)
            gs.social_org_stage_change(actor=actor, org=org, to_stage=Stage.INCUBATED, on=day)
            if n % 3 == 0:
                gs.social_org_stage_change(actor=actor, org=org, to_stage=Stage.FILED, on=day + dt.timedelta(days=90),
                                           filing_status=FilingStatus.FILED if n % 2 else FilingStatus.REGISTERED,
                                           filing_no=f"SX-SZ-{n + 1:04d}")
                if n % 9 == 0:
                    gs.social_org_stage_change(actor=actor, org=org, to_stage=Stage.GRADUATED,
                                               on=day + dt.timedelta(days=400))
            if n >= INCUBATED + CULTIVATING:
                gs.social_org_stage_change(actor=actor, org=org, to_stage=Stage.DISSOLVED,
                                           on=dt.date(YEAR, 6, 30), reason="成员流失，自行解散")
        if leader is None and n % 7 == 3:  # the second pipeline: the leader applied to join the party
            gs.social_org_leader_applied(actor=actor, org=org, on=dt.date(YEAR, 3 + n % 8, 10))
        if leader is None and n % 11 == 4 and len(pool) > 1:  # the first: a member takes over as leader
            gs.social_org_leader_set(actor=actor, org=org, member=pool[-1], on=dt.date(YEAR, 5, 1))
        orgs.append(org)
    active = [o for o in orgs if o.stage != Stage.DISSOLVED]
    new_domain = list(NewDomainOrg.objects.filter(kind=NewDomainKind.OFFICE_BUILDING).select_related("unit")
                      .order_by("code")[:20])
    made = 0
    for n in range(CURRENT_POSTINGS + ENDED_POSTINGS):
        to_new_domain = n % 8 == 7
        target = new_domain[n % len(new_domain)] if to_new_domain and new_domain else active[n % len(active)]
        unit = OrgUnit.objects.get(pk=target.unit_id)
        pool = members.get(unit.community_anc_id or unit.pk, [])
        member = pool[(n * 3) % len(pool)] if pool and n % 3 else None
        started = dt.date(2022 + n % 4, 1 + n % 12, 1)
        gs.posting_create(actor=actor, unit=unit, role=PostingRole.INSTRUCTOR if n % 2 else PostingRole.LIAISON,
                          member=member, person_name="" if member else _name(rng),
                          home_unit=None if member else departments[n % len(departments)],
                          social_org=None if to_new_domain else target,
                          new_domain_org=target if to_new_domain else None, started_on=started,
                          ended_on=started + dt.timedelta(days=300) if n >= CURRENT_POSTINGS else None)
        made += 1
    return f"{len(orgs)} social organisations, {made} postings"


# -- deliberation -----------------------------------------------------------------------------------

@transaction.atomic
def seed_deliberation(*, stdout=None) -> str:
    if Meeting.objects.exists():
        return "meetings exist"
    from supervision.services import case_accept, case_follow_up, case_resolve, case_start

    actor, rng = _admin(), _rng(3)
    visits: dict[int, list[VisitRecord]] = {}
    for v in VisitRecord.objects.filter(visited_on__year=YEAR).select_related("place").order_by("pk")[:4000]:
        visits.setdefault(v.place.community_anc_id, []).append(v)
    outcomes = [Outcome.CONSENSUS, Outcome.VOTE, Outcome.CONSENSUS, Outcome.REJECTED, Outcome.DEFERRED,
                Outcome.VOTE]
    meetings = topics = works = 0
    for c_n, community in enumerate(_urban_communities()):
        compounds = list(OrgUnit.objects.filter(parent=community).order_by("code"))
        committees = list(Committee.objects.filter(unit__parent=community, kind=CommitteeKind.OWNERS))
        services = list(gs_services(community))
        socials = list(SocialOrganisation.objects.filter(unit=community).exclude(stage=Stage.DISSOLVED))
        deferred = []
        for m_n, month in enumerate((4, 9)):
            held_on = dt.date(YEAR, month, 10 + c_n % 15)
            raised = []
            for t_n in range(3):
                title, _category = TOPICS[(c_n + m_n * 3 + t_n) % len(TOPICS)]
                unit = compounds[t_n % len(compounds)] if compounds else community
                day = held_on - dt.timedelta(days=20)
                pool = visits.get(community.pk, [])
                if t_n == 0 and pool:
                    raised.append(gs.topic_raise(actor=actor, source=TopicSource.VISIT, visit=pool[m_n % len(pool)],
                                                 raised_on=day))
                elif t_n == 1 and committees:
                    raised.append(gs.topic_raise(actor=actor, source=TopicSource.ACTOR, committee=committees[0],
                                                 title=title, description=f"业委会提出：{title}", raised_on=day))
                else:
                    raised.append(gs.topic_raise(actor=actor, source=TopicSource.PROPOSAL, unit=unit, title=title,
                                                 description=f"居民反映：{title}", proposer=_name(rng), raised_on=day))
                topics += 1
            participants = [{"role": ParticipantRole.OWNERS_COMMITTEE, "committee": c} for c in committees[:2]]
            participants += [{"role": ParticipantRole.PROPERTY_COMPANY, "property_service": s} for s in services[:1]]
            participants += [{"role": ParticipantRole.SOCIAL_ORGANISATION, "social_org": s} for s in socials[:2]]
            participants += [{"role": ParticipantRole.RESIDENT_REPRESENTATIVE, "person_name": _name(rng)}
                             for _ in range(2)]
            meeting = gs.meeting_create(actor=actor, unit=community, title=f"{community.name}{month}月1+N议事协商会",
                                        held_on=held_on, place=f"{community.name}党群服务中心",
                                        participants=participants, topics=deferred + raised)
            meetings += 1
            if month == 9 and c_n % 10 == 9:
                continue  # a few September meetings are still planned
            gs.meeting_record(actor=actor, meeting=meeting, minutes=f"与会各方围绕{len(raised)}项议题协商，形成决议并公示。")
            deferred = []
            for i_n, item in enumerate(meeting.items.select_related("topic").order_by("position")):
                outcome = outcomes[(c_n + m_n + i_n) % len(outcomes)]
                kwargs = {}
                if outcome == Outcome.VOTE:
                    kwargs = {"votes_for": 7 + i_n, "votes_against": 2, "votes_abstain": 1}
                if outcome in (Outcome.REJECTED, Outcome.DEFERRED):
                    kwargs["reason"] = "资金来源未落实" if outcome == Outcome.REJECTED else "需进一步征求业主意见"
                else:
                    kwargs.update(resolution=f"同意{item.topic.title}方案，由责任方限期落实",
                                  notice_from=held_on + dt.timedelta(days=1), notice_to=held_on + dt.timedelta(days=7))
                gs.resolution_record(actor=actor, item=item, outcome=outcome, **kwargs)
                if outcome == Outcome.DEFERRED:
                    deferred.append(item.topic)
                if outcome not in (Outcome.CONSENSUS, Outcome.VOTE):
                    continue
                works += 1
                if (c_n + i_n) % 3 == 0:  # through the work system
                    work = gs.work_create_case(actor=actor, item=item, kind=CaseKind.DIFFICULTY,
                                               category=TOPICS[(c_n + i_n) % len(TOPICS)][1])
                    if month == 4:
                        case_accept(actor=actor, case=work.case)
                        case_start(actor=actor, case=work.case)
                        case_resolve(actor=actor, case=work.case, resolution="按议事决议落实完毕")
                        case_follow_up(actor=actor, case=work.case, satisfaction=Satisfaction.SATISFIED)
                    continue
                assignee = ({"committee": committees[0]} if committees and i_n % 2 == 0 else
                            {"property_service": services[0]} if services else {"social_org": socials[0]}
                            if socials else {"committee": committees[0]} if committees else None)
                if assignee is None:
                    continue
                due = held_on + dt.timedelta(days=30 if month == 4 else 45)
                work = gs.work_create_task(actor=actor, item=item, task=f"落实：{item.topic.title}", due_on=due,
                                           **assignee)
                if month == 4 or c_n % 4 == 0:
                    gs.work_update(actor=actor, work=work, progress_pct=100, progress_note="已完成",
                                   completed_on=due - dt.timedelta(days=5))
                    gs.follow_up_record(actor=actor, work=work, on=due,
                                        satisfaction=Satisfaction.SATISFIED if i_n % 3 else Satisfaction.BASICALLY)
                elif c_n % 4 == 1:
                    gs.work_update(actor=actor, work=work, progress_pct=50, progress_note="正在推进")
                # the rest stay open; past their deadline they are overdue
    result = gs.daily_overdue_run(day=dt.date(YEAR, 11, 30))
    return f"{meetings} meetings, {topics} topics, {works} adopted; overdue reminders {result['reminded']}"


def gs_services(community):
    from .models import PropertyService

    return PropertyService.objects.filter(unit__parent=community, ended_on__isnull=True).order_by("pk")


# -- floating members and brands --------------------------------------------------------------------

@transaction.atomic
def seed_floating(*, stdout=None) -> str:
    if FloatingMember.objects.exists():
        return "floating members exist"
    actor = _admin()
    communities = _urban_communities()
    members = _members_by_community()
    made = 0
    for n in range(FLOATING):
        origin = communities[n % len(communities)]
        pool = members.get(origin.pk, [])
        if len(pool) <= 5 + n // len(communities):
            continue
        member = pool[5 + n // len(communities)]
        inbound = n % 3 == 0  # moved within the district: the destination is another community of the tree
        destination = communities[(n * 5 + 7) % len(communities)] if inbound else None
        if destination is not None and destination.pk == origin.pk:
            destination = communities[(n + 1) % len(communities)]
        left = dt.date(YEAR, 1 + n % 10, 1 + n % 20)
        gs.floating_create(actor=actor, member=member, left_on=left, destination_unit=destination,
                           destination_place="" if destination else PLACES[n % len(PLACES)],
                           reported_on=left + dt.timedelta(days=3) if n % 4 else None,
                           registered_on=left + dt.timedelta(days=10) if n % 5 not in (0, 1) else None,
                           task="参与流入地社区志愿服务" if n % 2 else "参加疫情防控、治安巡逻")
        made += 1
    return f"{made} floating members"


@transaction.atomic
def seed_brands(*, stdout=None) -> str:
    if Brand.objects.exists():
        return "brands exist"
    actor = _admin()
    made = 0
    for community_name, compound_name, name, slogan, model, elements in BRANDS:
        community = OrgUnit.objects.filter(name=community_name, kind=UnitKind.COMMUNITY).first()
        if community is None:
            continue
        unit = OrgUnit.objects.filter(parent=community, name=compound_name).first() if compound_name else community
        orgs = list(SocialOrganisation.objects.filter(unit=community).exclude(stage=Stage.DISSOLVED)[:3])
        gs.brand_create(actor=actor, unit=unit or community, name=name, slogan=slogan, model=model,
                        elements=elements, social_orgs=orgs, started_on=dt.date(2021, 7, 1))
        made += 1
    for n, community in enumerate(_urban_communities()[3:30:3]):
        gs.brand_create(actor=actor, unit=community, name=f"{community.name.removesuffix('社区')}红色管家",
                        slogan="党建引领，居民共治", model="党建+网格", elements=["网格", "志愿服务"],
                        started_on=dt.date(2022, 1 + n % 12, 1))
        made += 1
    return f"{made} brands"


def seed_competition(*, stdout=None) -> str:
    """The year's 党建大比武 of the district: five judges (so the highest and lowest drop), entries by
    community secretaries, every judge scoring every entry, grades published."""
    from accounts.models import RoleGrant
    from accounts.roles import Role

    if Competition.objects.exists():
        return "competition exists"
    actor = _admin()
    district = OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id").first()
    secretaries = list(RoleGrant.objects.active().filter(role=Role.COMMUNITY_SECRETARY, unit__tree_id=district.tree_id)
                       .select_related("user", "unit").order_by("unit__lft")[:8])
    entrant_ids = {g.user_id for g in secretaries}
    judges = [u for u in gs.judge_candidates(actor).exclude(pk__in=entrant_ids) if not u.is_superuser][:5]
    if not secretaries or not judges:
        return "no secretaries or judges to run a competition"
    competition = gs.competition_create(
        actor=actor, unit=district, year=YEAR, title=f"{YEAR}年度城市基层党建大比武",
        criteria=[("组织体系建设", 30), ("治理体系建设", 30), ("服务体系建设", 20), ("保障体系建设", 20)],
        judges=judges)
    rng = _rng(60)
    criteria = list(competition.criteria.all())
    for grant in secretaries:
        entry = gs.entry_submit(actor=grant.user, competition=competition, unit=grant.unit,
                                title=f"{grant.unit.name}党建引领基层治理", summary="一社一品、1+N议事协商、双孵化的做法与成效。")
        base = rng.randint(70, 92)
        for judge in judges:
            gs.score_record(actor=judge, entry=entry,
                            values={c.pk: min(100, max(50, base + rng.randint(-8, 8))) for c in criteria})
    gs.competition_publish(actor=actor, competition=competition)
    return f"1 competition, {len(secretaries)} entries, {len(judges)} judges"


STEPS = [
    (50, seed_actors),
    (51, seed_social),
    (52, seed_deliberation),
    (53, seed_floating),
    (54, seed_brands),
    (55, seed_competition),
]
