"""Demo data of the guarantee system for ``seed_demo``: two terms of the two committees for every urban
community (term 11, elected 2021, reproducing the article's figures exactly; term 10, elected 2018,
consistent with the stated changes), 88 pairings with their support and their difficulties (cases of
the work system, 135 solved), the 2026 funds, premises (15 offices renovated for 10,000,000 yuan, 6 idle
offices revived, 4,000 m²), shared venues, a year of training, cadre careers (6 into the civil service)
and stationed department staff. Deterministic and idempotent (each step skips what exists). Seats of
party members link the member record and take its data through the seat service."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from core.audit import audit_write
from core.scoping import subtree_q
from org.choices import UnitKind
from org.models import Education, Member, MemberStatus, OrgUnit, OutsideUnit, OutsideUnitKind
from org.services import outside_unit_create
from supervision.choices import CaseAction, CaseKind, CaseSource, Category
from supervision.models import Case
from supervision.services import case_bulk_import

from . import services
from .choices import (
    COLLEGE_OR_ABOVE,
    CareerEventKind,
    CommunityClass,
    FundKind,
    PartyPost,
    PremiseKind,
    ResidentsPost,
    SupportKind,
    TrainingForm,
    VenueKind,
)
from .models import (
    CareerEvent,
    FundAllocation,
    FundStandard,
    IdleRevival,
    Pairing,
    PairingDifficulty,
    Premise,
    Seat,
    SharedVenue,
    StationedStaff,
    Term,
    TrainingSession,
    age_on,
)

YEAR = 2026
SEED = 20210418
# term number -> (election date, previous term's end, seats, under 35, college, sum of ages, one-shoulder)
TERMS = {
    10: dict(elected=dt.date(2018, 4, 15), ends=dt.date(2021, 4, 17), seats=455, young=88, college=316,
             age_sum=19428, one_shoulder=41),
    11: dict(elected=dt.date(2021, 4, 18), ends=None, seats=437, young=143, college=376, age_sum=17349,
             one_shoulder=62),
}
LINKED_PER_COMMUNITY = 2  # seats per community held by party members with a member record
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志文斌辉波宁鹏飞德林春海燕雪峰亮慧婷俊凯"


def _admin():
    from org.demo.tree import demo_admin

    return demo_admin()


def _root() -> OrgUnit:
    return OrgUnit.objects.get(parent__isnull=True, code="SX")


def _urban_communities() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code"))


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def _seat_counts(total: int, n: int) -> list[int]:
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def _posts(k: int, one_shoulder: bool) -> list[tuple[str, str]]:
    """Posts of a community's k seats: secretary first (also director when one-shoulder)."""
    posts = [(PartyPost.SECRETARY, ResidentsPost.DIRECTOR if one_shoulder else "")]
    if not one_shoulder:
        posts.append(("", ResidentsPost.DIRECTOR))
    posts += [(PartyPost.DEPUTY, ResidentsPost.MEMBER), ("", ResidentsPost.DEPUTY)]
    cycle = [(PartyPost.MEMBER, ""), ("", ResidentsPost.MEMBER), (PartyPost.MEMBER, ResidentsPost.MEMBER)]
    while len(posts) < k:
        posts.append(cycle[len(posts) % 3])
    return posts[:k]


def _candidates(community: OrgUnit, elected: dt.date) -> list[Member]:
    members = Member.objects.filter(subtree_q(community, "unit"), status=MemberStatus.NORMAL).exclude(
        education="").order_by("pk")[:40]
    return [m for m in members if 27 <= age_on(m.birth_date, elected) <= 58][:LINKED_PER_COMMUNITY]


def _free_people(rng, n: int, young: int, college: int, age_sum: int, elected: dt.date) -> list[dict]:
    """``n`` non-member people with exactly ``young`` under 35, ``college`` college or above and ages
    (at ``elected``) summing to ``age_sum``."""
    if not (0 <= young <= n and 0 <= college <= n):
        raise ValueError("demo plan infeasible")
    ages = [rng.randint(27, 34) for _ in range(young)] + [rng.randint(36, 56) for _ in range(n - young)]
    low = [25] * young + [35] * (n - young)
    high = [34] * young + [59] * (n - young)
    diff = age_sum - sum(ages)
    i = 0
    while diff and i < 100000:
        j = i % n
        step = 1 if diff > 0 else -1
        if low[j] <= ages[j] + step <= high[j]:
            ages[j] += step
            diff -= step
        i += 1
    if diff:
        raise ValueError("demo plan infeasible: ages")
    # college goes first to the young, then to the others
    order = list(range(young)) + list(range(young, n))
    college_idx = set(order[:college]) if college <= young else set(range(young)) | set(
        rng.sample(range(young, n), college - young))
    people = []
    for idx, age in enumerate(ages):
        born = dt.date(elected.year - age - 1, rng.randint(5, 12), rng.randint(1, 28))  # birthday after the election
        if idx in college_idx:
            edu = rng.choice([Education.JUNIOR_COLLEGE, Education.BACHELOR, Education.BACHELOR, Education.POSTGRADUATE])
        else:
            edu = rng.choice([Education.SENIOR, Education.SENIOR, Education.JUNIOR_OR_BELOW])
        people.append(dict(person_name=_name(rng), birth_date=born, gender="M" if rng.random() < 0.55 else "F",
                           education=edu))
    rng.shuffle(people)
    return people


@transaction.atomic
def seed_terms(*, stdout=None) -> str:
    admin = _admin()
    communities = _urban_communities()
    if not communities or Term.objects.filter(community__in=communities).exists():
        return "0 terms created"
    rng = random.Random(SEED)
    made = 0
    for number, plan in TERMS.items():
        counts = _seat_counts(plan["seats"], len(communities))
        shoulders = set(range(plan["one_shoulder"])) if number == 10 else (set(range(len(communities))) - {40})
        linked = {c.pk: _candidates(c, plan["elected"]) for c in communities}
        linked_all = [m for ms in linked.values() for m in ms]
        n_linked = len(linked_all)
        ages = [age_on(m.birth_date, plan["elected"]) for m in linked_all]
        free = _free_people(rng, plan["seats"] - n_linked, plan["young"] - sum(a < 35 for a in ages),
                            plan["college"] - sum(m.education in COLLEGE_OR_ABOVE for m in linked_all),
                            plan["age_sum"] - sum(ages), plan["elected"])
        free_iter = iter(free)
        for i, community in enumerate(communities):
            term = services.term_create(actor=admin, community=community, number=number,
                                        elected_on=plan["elected"], starts_on=plan["elected"],
                                        ends_on=plan["ends"])
            made += 1
            people = [dict(member=m) for m in linked[community.pk]]
            people += [next(free_iter) for _ in range(counts[i] - len(people))]
            for (party_post, residents_post), person in zip(_posts(counts[i], i in shoulders), people):
                services.seat_create(actor=admin, term=term, party_post=party_post, residents_post=residents_post,
                                     **person)
    return f"{made} terms created"


PARTNER_NAMES = (
    [f"苏仙区第{n}中学" for n in "一二三四五六七八"] + [f"苏仙区第{n}完全小学" for n in "一二三四五六七八九十"]
    + ["苏仙区人民医院", "苏仙区中医医院", "苏仙区妇幼保健院", "苏仙区疾病预防控制中心", "苏仙区人民法院",
       "苏仙区人民检察院", "苏仙区城市建设投资集团", "苏仙区国有资产经营公司", "苏仙区融媒体中心",
       "苏仙区图书馆", "苏仙区文化馆", "苏仙区体育中心", "苏仙区机关事务服务中心", "苏仙区不动产登记中心",
       "苏仙区公共资源交易中心", "苏仙区政务服务中心", "苏仙区社会保险服务中心", "苏仙区就业服务中心",
       "苏仙区住房保障服务中心", "苏仙区园林绿化中心", "苏仙区环境卫生管理处", "苏仙区供排水公司",
       "苏仙区农村信用合作联社", "苏仙区烟草专卖局", "苏仙区邮政分公司", "苏仙区电力公司", "苏仙区燃气公司",
       "苏仙区移动分公司", "苏仙区电信分公司", "苏仙区联通分公司", "苏仙区气象局"]
)


def _partners(admin, root) -> list[OutsideUnit]:
    existing = set(OutsideUnit.objects.filter(code__startswith="ZS").values_list("code", flat=True))
    for n, name in enumerate(PARTNER_NAMES):
        code = f"ZS{n + 1:03d}"
        if code not in existing:
            outside_unit_create(actor=admin, kind=OutsideUnitKind.SCHOOL_HOSPITAL if n < 22 else OutsideUnitKind.SOE,
                                code=code, name=name, short_name=name.removeprefix("苏仙"), registered_at=root)
    departments = list(OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code__startswith="QZ")
                       .order_by("code"))
    others = list(OutsideUnit.objects.filter(code__startswith="ZS").order_by("code"))
    return (departments + others)[:88]


DIFFICULTIES = [
    (Category.INFRASTRUCTURE, "小区路灯维修"), (Category.INFRASTRUCTURE, "老旧小区雨污分流"),
    (Category.ENVIRONMENT, "背街小巷环境整治"),
    (Category.OTHER, "社区活动室设备更新"), (Category.SOCIAL_ASSISTANCE, "困难群众就业帮扶"),
    (Category.PROPERTY_CERTIFICATE, "安置房办证协调"), (Category.OTHER, "社区医疗服务站建设"),
]


@transaction.atomic
def seed_pairings(*, stdout=None) -> str:
    admin, root = _admin(), _root()
    communities = _urban_communities()
    if not communities or Pairing.objects.exists():
        return "0 pairings created"
    partners = _partners(admin, root)
    rng = random.Random(SEED + 1)
    pairings = []
    for n, partner in enumerate(partners):
        community = communities[n % len(communities)]
        pairing = services.pairing_create(actor=admin, partner=partner, community=community,
                                          starts_on=dt.date(2021, 6, 1), focus="资金、项目、技术帮扶")
        pairings.append(pairing)
        for k in range(1 + n % 3):
            kind = [SupportKind.FUNDS, SupportKind.PROJECT, SupportKind.TECHNOLOGY][(n + k) % 3]
            services.support_record_create(
                actor=admin, pairing=pairing, kind=kind, given_on=dt.date(YEAR, 1 + (n + k) % 11, 10),
                description={"funds": "帮扶资金", "project": "帮扶项目落地", "technology": "信息化技术支持"}[kind],
                amount_yuan=Decimal(rng.randint(2, 30) * 5000) if kind != SupportKind.TECHNOLOGY else 0)
    # 140 difficulties (135 solved, 5 open) raised through the case services, with their history
    rows = []
    for k in range(140):
        pairing = pairings[k % len(pairings)]
        category, title = DIFFICULTIES[k % len(DIFFICULTIES)]
        registered = dt.date(2021 + k % 5, 1 + k % 12, 5 + k % 20)
        steps = [(CaseAction.ACCEPT, registered, {}), (CaseAction.START, registered + dt.timedelta(days=2), {})]
        if k < 135:
            steps.append((CaseAction.RESOLVE, registered + dt.timedelta(days=10 + k % 20),
                          {"resolution": f"{pairing.partner}帮扶解决"}))
        rows.append(dict(kind=CaseKind.DIFFICULTY, source=CaseSource.PAIRING, category=category,
                         unit=pairing.community, title=title, description=f"{pairing.partner}结对帮扶{title}",
                         registered_on=registered, source_ref=f"pairing:{pairing.pk}:{k}", steps=steps))
    case_bulk_import(actor=admin, rows=rows)
    by_ref = dict(Case.objects.filter(source=CaseSource.PAIRING, source_ref__in=[r["source_ref"] for r in rows])
                  .values_list("source_ref", "pk"))
    links = [PairingDifficulty(pairing_id=int(r["source_ref"].split(":")[1]), case_id=by_ref[r["source_ref"]])
             for r in rows]
    PairingDifficulty.objects.bulk_create(links)
    audit_write(actor=admin, action="resources.pairing_difficulty.bulk_link", obj=None,
                after={"links": len(links)}, unit=root)
    return f"{len(pairings)} pairings, {len(links)} difficulties created"


RENOVATION_SPEND = [820000, 760000, 540000, 900000, 610000, 480000, 730000, 650000, 590000, 700000, 560000,
                    820000, 640000, 690000, 510000]  # 10,000,000 in all
REVIVALS = [("原街道农机站", "社区党群服务中心", 860), ("原粮站仓库", "居民活动中心", 720),
            ("原供销社门面", "社区老年食堂", 540), ("原计生服务站", "新时代文明实践站", 610),
            ("原税务所办公楼", "社区党校", 780), ("原水利站", "青少年活动中心", 490)]  # 4,000 m²


@transaction.atomic
def seed_funds_and_premises(*, stdout=None) -> str:
    admin, root = _admin(), _root()
    communities = _urban_communities()
    if not communities or FundStandard.objects.filter(owner=root, year=YEAR).exists():
        return "funds and premises exist"
    assert sum(RENOVATION_SPEND) == 10_000_000 and sum(r[2] for r in REVIVALS) == 4000
    rng = random.Random(SEED + 2)
    services.fund_standard_set(actor=admin, owner=root, year=YEAR, community_class=CommunityClass.URBAN,
                               amount_yuan=500000)
    services.fund_standard_set(actor=admin, owner=root, year=YEAR, community_class=CommunityClass.VILLAGE,
                               amount_yuan=200000)
    for n, community in enumerate(communities):
        allocation = services.fund_allocation_create(actor=admin, community=community, year=YEAR,
                                                     kind=FundKind.OPERATING, amount_yuan=500000,
                                                     allocated_on=dt.date(YEAR, 1, 15))
        for month, purpose in ((3, "办公及水电费用"), (6, "社区服务活动经费"), (9, "网格员及志愿服务补贴")):
            services.fund_spending_create(actor=admin, allocation=allocation, spent_on=dt.date(YEAR, month, 20),
                                          amount_yuan=rng.randint(60, 140) * 1000, purpose=purpose)
        if n % 4 == 0:
            services.fund_allocation_create(actor=admin, community=community, year=YEAR, kind=FundKind.PROJECT,
                                            project="小区微改造", amount_yuan=rng.randint(10, 40) * 10000,
                                            allocated_on=dt.date(YEAR, 4, 1))
        premise = services.premise_create(actor=admin, community=community, name=f"{community.name}办公用房",
                                          kind=PremiseKind.OFFICE, area_m2=rng.randint(30, 90) * 10)
        if n < len(RENOVATION_SPEND):
            project = services.renovation_create(actor=admin, premise=premise, budget_yuan=RENOVATION_SPEND[n] + 50000,
                                                 started_on=dt.date(2022, 3 + n % 6, 1), added_area_m2=rng.randint(0, 20) * 10)
            services.renovation_accept(actor=admin, project=project, accepted_on=dt.date(2023, 3 + n % 6, 1),
                                       spent_yuan=RENOVATION_SPEND[n])
        if n % 3 == 0:
            services.premise_create(actor=admin, community=community, name=f"{community.name}党群服务中心",
                                    kind=PremiseKind.SERVICE_CENTRE, area_m2=rng.randint(20, 60) * 10)
    for n, (name, new_use, area) in enumerate(REVIVALS):
        services.idle_revival_create(actor=admin, community=communities[n * 9], name=name, former_use="闲置",
                                     new_use=new_use, area_m2=area, revived_on=dt.date(2022, 2 + n, 10))
    hosts = list(OutsideUnit.objects.filter(code__startswith="ZS").order_by("code")[:20])
    kinds = [VenueKind.EDUCATION, VenueKind.CULTURE, VenueKind.SPORTS, VenueKind.PARTY]
    for n, host in enumerate(hosts):
        services.shared_venue_create(actor=admin, host=host, community=communities[(n * 3) % len(communities)],
                                     name=f"{host}{['多功能厅', '图书室', '运动场', '党员活动室'][n % 4]}",
                                     kind=kinds[n % 4], opening_terms="每周六、周日 9:00—17:00 免费向社区居民开放",
                                     starts_on=dt.date(2022, 1, 1))
    return (f"{FundAllocation.objects.count()} allocations, {Premise.objects.count()} premises, "
            f"{IdleRevival.objects.count()} revivals, {SharedVenue.objects.count()} venues")


@transaction.atomic
def seed_training_and_cadres(*, stdout=None) -> str:
    admin, root = _admin(), _root()
    current = Seat.objects.filter(term__number=11, term__community__kind=UnitKind.COMMUNITY)
    if not current.exists() or TrainingSession.objects.filter(organiser=root).exists():
        return "training and cadres exist"
    secretaries = list(current.filter(party_post=PartyPost.SECRETARY).order_by("pk"))
    zju = services.training_session_create(actor=admin, organiser=root, topic="城市基层党建专题培训",
                                           place="浙江大学", form=TrainingForm.CENTRAL,
                                           starts_on=dt.date(YEAR, 5, 11), ends_on=dt.date(YEAR, 5, 16))
    services.training_attendance_record(actor=admin, session=zju, seats=secretaries)
    streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code"))
    for n, street in enumerate(streets):
        session = services.training_session_create(actor=admin, organiser=street, topic="社区两委成员集中轮训",
                                                   place=f"{street.name}党群服务中心", form=TrainingForm.ROTATION,
                                                   starts_on=dt.date(YEAR, 3 + n, 8), ends_on=dt.date(YEAR, 3 + n, 9))
        services.training_attendance_record(actor=admin, session=session,
                                            seats=list(current.filter(subtree_q(street, "term__community"))))
    pairing = services.training_session_create(actor=admin, organiser=root, topic="新任社区干部结对帮带",
                                               place="爱莲湖社区", form=TrainingForm.PAIRING,
                                               starts_on=dt.date(YEAR, 7, 1), ends_on=dt.date(YEAR, 9, 30))
    services.training_attendance_record(actor=admin, session=pairing,
                                        seats=list(current.filter(age_at_election__lt=30).order_by("pk")[:30]))
    attached = services.training_session_create(actor=admin, organiser=root, topic="社区干部外挂锻炼",
                                                place="区直有关单位", form=TrainingForm.ATTACHMENT,
                                                starts_on=dt.date(YEAR, 4, 1), ends_on=dt.date(YEAR, 6, 30))
    services.training_attendance_record(actor=admin, session=attached,
                                        seats=list(current.filter(party_post=PartyPost.DEPUTY).order_by("pk")[:12]))
    deputies = list(current.filter(party_post=PartyPost.DEPUTY).order_by("pk"))
    for n in range(6):  # 定向招录 into the civil service
        services.career_event_create(actor=admin, seat=deputies[n * 7], kind=CareerEventKind.CIVIL_SERVICE,
                                     happened_on=dt.date(2022 + n % 3, 9, 1), note="定向招录为乡镇（街道）公务员")
    for n in range(4):
        services.career_event_create(actor=admin, seat=deputies[n * 7 + 3], kind=CareerEventKind.PUBLIC_INSTITUTION,
                                     happened_on=dt.date(2023, 10, 1), note="招聘为事业编制人员")
    departments = list(OutsideUnit.objects.filter(short_name__in=["区城管局", "区市场监管局"]).order_by("code"))
    for street in streets:
        for dept in departments:
            services.stationed_staff_create(actor=admin, department=dept, street=street,
                                            person_name=_name(random.Random(street.pk * 31 + dept.pk)),
                                            post="派驻中队长", starts_on=dt.date(2021, 9, 1))
    return (f"{TrainingSession.objects.count()} sessions, {CareerEvent.objects.count()} career events, "
            f"{StationedStaff.objects.count()} stationed staff")


STEPS = [
    (70, seed_terms),
    (71, seed_pairings),
    (72, seed_funds_and_premises),
    (73, seed_training_and_cadres),
]
