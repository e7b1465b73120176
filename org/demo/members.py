"""Demo members and their registrations, giving the article's figures (``shared/figures.md``):

- 7,685 urban members: 5,396 registered directly in urban communities, compounds and buildings, plus 2,289
  SOE retirees moved in by 22 completed batch transfers (one SOE each, to the communities they live in);
- rural members in villages (not urban);
- 3,656 in-service and 147 retired members of district departments, held at their department (outside the
  tree), dual-registered at the community where they live;
- 232 part-time committee members currently seated on street and community committees (and a few whose
  term has ended, which do not count).

Deterministic (fixed seeds) and idempotent (members are keyed by their ID number, batches by document
number, seats by seat and name). Members go through the bulk services (same rules, one audit row each).
"""
from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from core.crypto import pii_hash
from core.idcard import generate_id_number

from ..choices import UnitKind
from ..models import (
    DualRegistration,
    Education,
    Member,
    MemberCategory,
    MemberStatus,
    OrgUnit,
    OutsideUnit,
    OutsideUnitKind,
    PartTimeMember,
    Standing,
    TransferBatch,
)
from ..services import (
    dual_registration_bulk_create,
    member_bulk_create,
    outside_unit_create,
    part_time_member_create,
    transfer_batch_complete,
    transfer_batch_create,
)
from .tree import DISTRICT_CODE, demo_admin

URBAN_DIRECT = 5396
SOE_COUNT = 22
SOE_RETIREES = 2289
IN_SERVICE_REGISTERED = 3656
RETIRED_REGISTERED = 147
RURAL_MEMBERS = 800
PART_TIME_CURRENT = 232
PART_TIME_ENDED = 18

SURNAMES = (
    "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤首欧"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志文斌辉波宁鹏飞德林春海燕雪峰亮慧"
    "婷俊凯云龙浩宇晨欣怡佳琪子涵思远博文嘉颖丹凤翠莲秋菊冬生福寿荣昌湘郴岭仙"
)
SOE_NAMES = [
    "郴州市自来水公司", "湘南煤矿", "郴州钢铁厂", "郴州电业局", "郴州市汽车运输公司", "郴州卷烟厂", "湘南机械厂",
    "郴州市粮食局直属库", "苏仙区供销社", "郴州有色金属公司", "柿竹园有色金属公司", "郴州市第一建筑公司",
    "郴州火车站", "郴州邮电局", "郴州市百货公司", "郴州化工厂", "郴州纺织厂", "郴州水泥厂", "郴州啤酒厂",
    "郴州市电机厂", "郴州市印刷厂", "郴州市食品公司",
]
POLICE = ["苏仙岭派出所", "南塔派出所", "卜里坪派出所", "王仙岭派出所", "观山洞派出所", "白鹿洞派出所"]
BANKS = ["工商银行苏仙支行", "农业银行苏仙支行", "建设银行苏仙支行", "郴州农商银行苏仙支行", "邮储银行苏仙支行"]
PROPERTY = ["恒泰", "嘉和", "锦程", "安居", "华信", "瑞祥", "康乐", "宏远", "金盾", "和顺"]
COMMITMENTS = ["参与小区环境整治", "担任楼栋志愿者", "参加1+N议事协商", "结对帮扶困难群众", "政策宣讲",
               "文明创建志愿服务", "疫情防控值守", "矛盾纠纷调解"]
DEPARTMENT_POSTS = ["副局长", "党组成员", "科长", "副科长", "主任科员", "办公室主任"]


def _rng(salt: int) -> random.Random:
    return random.Random(20211222 + salt)


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def _education(rng: random.Random, birth_year: int) -> str:
    if birth_year < 1955:
        weights = (40, 35, 15, 9, 1)
    elif birth_year < 1970:
        weights = (15, 35, 28, 20, 2)
    elif birth_year < 1985:
        weights = (4, 16, 35, 40, 5)
    else:
        weights = (1, 6, 28, 55, 10)
    return rng.choices(list(Education.values), weights=weights)[0]


class _People:
    """Deterministic person generator with unique ID numbers. Each group of people draws from its own
    region codes (Chenzhou's districts and counties), so that groups never collide."""

    def __init__(self, salt: int, regions: tuple[str, ...]):
        self.rng = _rng(salt)
        self.regions = regions
        self.seen: set[str] = set()

    def person(self, born_from: int, born_to: int) -> dict:
        rng = self.rng
        while True:
            birth = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
            gender = "M" if rng.random() < 0.62 else "F"
            id_number = generate_id_number(rng, region=rng.choice(self.regions), birth=birth, gender=gender)
            if id_number not in self.seen:
                self.seen.add(id_number)
                break
        joined_age = rng.randint(19, 45)
        joined = min(date(birth.year + joined_age, rng.randint(1, 12), 1), date(2021, 6, 1))
        return dict(
            name=_name(rng), id_number=id_number, phone=f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}",
            education=_education(rng, birth.year), ethnicity="汉族" if rng.random() < 0.95 else "瑶族",
            joined_on=joined, standing=Standing.PROBATIONARY if joined.year >= 2021 else Standing.FULL,
        )


def _missing(specs: list[dict]) -> list[dict]:
    """The specs whose ID number is not registered yet (idempotence)."""
    hashes = [pii_hash(s["id_number"]) for s in specs]
    existing: set[str] = set()
    for i in range(0, len(hashes), 1000):
        existing.update(Member.objects.filter(id_number_hash__in=hashes[i:i + 1000])
                        .values_list("id_number_hash", flat=True))
    return [s for s, h in zip(specs, hashes) if h not in existing]


def _urban_places():
    """(community, [units with a party org a member can belong to], [compounds and buildings to live in])
    for each urban community, in tree order."""
    groups: dict[int, list] = {}
    for unit in OrgUnit.objects.filter(community_anc__kind=UnitKind.COMMUNITY).order_by("tree_id", "lft"):
        group = groups.setdefault(unit.community_anc_id, [None, [], []])
        if unit.kind == UnitKind.COMMUNITY:
            group[0] = unit
        if unit.party_org_type:
            group[1].append(unit)
        if unit.kind in (UnitKind.COMPOUND, UnitKind.BUILDING):
            group[2].append(unit)
    return [tuple(g) for g in groups.values()]


def _residence(rng, homes, community):
    return rng.choice(homes) if homes else None


@transaction.atomic
def seed_members(*, stdout=None) -> str:
    actor = demo_admin()
    places = _urban_places()
    people = _People(1, ("431003", "431002"))
    rng = _rng(2)
    specs = []
    for n in range(URBAN_DIRECT):
        community, orgs, homes = places[n % len(places)]
        category = rng.choices([MemberCategory.RETIRED, MemberCategory.IN_SERVICE, MemberCategory.FLOATING,
                                MemberCategory.OTHER], weights=(45, 30, 8, 17))[0]
        born = (1938, 1962) if category == MemberCategory.RETIRED else (1963, 2001)
        spec = people.person(*born)
        spec.update(unit=rng.choice(orgs), residence=_residence(rng, homes, community), category=category,
                    status=MemberStatus.LOST_CONTACT if rng.random() < 0.01 else MemberStatus.NORMAL)
        specs.append(spec)
    villages = list(OrgUnit.objects.filter(kind=UnitKind.VILLAGE).order_by("code"))
    for n in range(RURAL_MEMBERS):
        spec = people.person(1945, 2000)
        spec.update(unit=villages[n % len(villages)], category=rng.choice(
            [MemberCategory.OTHER, MemberCategory.FLOATING, MemberCategory.RETIRED]))
        specs.append(spec)
    made = member_bulk_create(actor=actor, specs=_missing(specs), started_on=date(2020, 1, 1))
    return f"{made} members created"


@transaction.atomic
def seed_department_members(*, stdout=None) -> str:
    """In-service and retired members of district departments, dual-registered where they live."""
    actor = demo_admin()
    places = _urban_places()
    departments = list(OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT).order_by("code"))
    people = _People(3, ("431021", "431022", "431023"))
    rng = _rng(4)
    specs, homes_of = [], {}
    for n in range(IN_SERVICE_REGISTERED + RETIRED_REGISTERED):
        retired = n >= IN_SERVICE_REGISTERED
        spec = people.person(*((1945, 1960) if retired else (1966, 1998)))
        department = departments[n % len(departments)]
        community, _orgs, homes = places[rng.randrange(len(places))]
        spec.update(outside_unit=department, work_unit=None if retired else department,
                    category=MemberCategory.RETIRED if retired else MemberCategory.IN_SERVICE,
                    residence=_residence(rng, homes, community))
        homes_of[spec["id_number"]] = community
        specs.append(spec)
    made = member_bulk_create(actor=actor, specs=_missing(specs))
    members = {m.id_number_hash: m for m in Member.objects.filter(outside_unit__in=departments)}
    open_regs = set(DualRegistration.objects.filter(ended_on__isnull=True).values_list("member_id", flat=True))
    items = []
    for spec in specs:
        member = members[pii_hash(spec["id_number"])]
        if member.pk not in open_regs:
            items.append((member, homes_of[spec["id_number"]], rng.choice(COMMITMENTS)))
    registered = dual_registration_bulk_create(actor=actor, items=items, started_on=date(2020, 3, 1)) if items else 0
    return f"{made} department members, {registered} dual registrations created"


def _outside(actor, code, kind, name, registered_at, existing) -> OutsideUnit:
    if code in existing:
        return existing[code]
    unit = outside_unit_create(actor=actor, registered_at=registered_at, kind=kind, code=code, name=name)
    existing[code] = unit
    return unit


@transaction.atomic
def seed_soe_transfers(*, stdout=None) -> str:
    """22 SOEs, each handing its retired members over to the communities of one street where they live."""
    actor = demo_admin()
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    existing = {u.code: u for u in OutsideUnit.objects.all()}
    places = _urban_places()
    streets = sorted({c.street_anc_id for c, _o, _h in places})
    people = _People(5, ("431024", "431025", "431026", "431027", "431028", "431081"))
    rng = _rng(6)
    # Split 2,289 retirees over 22 SOEs deterministically.
    sizes = [SOE_RETIREES // SOE_COUNT] * SOE_COUNT
    for i in range(SOE_RETIREES - sum(sizes)):
        sizes[i] += 1
    done = 0
    for i, (name, size) in enumerate(zip(SOE_NAMES, sizes)):
        soe = _outside(actor, f"GQ{i + 1:03d}", OutsideUnitKind.SOE, name, district, existing)
        document_no = f"郴组通〔2021〕{i + 1}号"
        street_places = [p for p in places if p[0].street_anc_id == streets[i % len(streets)]]
        items = []
        for _n in range(size):
            community, _orgs, homes = street_places[rng.randrange(len(street_places))]
            spec = people.person(1940, 1962)
            spec.pop("standing")
            items.append(dict(spec, to_unit=community, residence=_residence(rng, homes, community),
                              category=MemberCategory.RETIRED))
        if TransferBatch.objects.filter(source=soe, document_no=document_no).exists():
            continue
        batch = transfer_batch_create(actor=actor, source=soe, document_no=document_no, registered_at=district,
                                      items=items, note=f"{name}退休党员组织关系移交")
        transfer_batch_complete(actor=actor, batch=batch, completed_on=date(2021, 3 + i % 6, 10 + i % 15))
        done += 1
    return f"{done} SOE batches completed"


@transaction.atomic
def seed_part_time_members(*, stdout=None) -> str:
    actor = demo_admin()
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    existing = {u.code: u for u in OutsideUnit.objects.all()}
    homes = list(OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT).order_by("code"))
    for i, name in enumerate(POLICE):
        homes.append(_outside(actor, f"PCS{i + 1:02d}", OutsideUnitKind.POLICE_STATION, f"郴州市公安局{name}",
                              district, existing))
    for i, name in enumerate(BANKS):
        homes.append(_outside(actor, f"YH{i + 1:02d}", OutsideUnitKind.BANK, name, district, existing))
    for i, name in enumerate(PROPERTY):
        homes.append(_outside(actor, f"WYGS{i + 1:02d}", OutsideUnitKind.PROPERTY_COMPANY,
                              f"郴州{name}物业服务有限公司", district, existing))
    streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code"))
    communities = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code"))
    owners = []
    for i, community in enumerate(communities[:30]):
        owners.append(_outside(actor, f"YWH{i + 1:03d}", OutsideUnitKind.OWNERS_COMMITTEE,
                               f"{community.name}业主委员会", community, existing))
    rng = _rng(7)
    seats = [(s, 8) for s in streets] + [(c, 0) for c in communities]
    # 48 on street committees, 184 on community committees: 232 current seats.
    remaining = PART_TIME_CURRENT - sum(n for _s, n in seats)
    k = 0
    while remaining > 0:
        seat, n = seats[len(streets) + k % len(communities)]
        seats[len(streets) + k % len(communities)] = (seat, n + 1)
        remaining -= 1
        k += 1
    if PartTimeMember.objects.filter(committee_post="兼职委员").exists():
        return "part-time members already seated"
    made = 0
    plan = []
    for seat, n in seats:
        for j in range(n):
            plan.append((seat, j, None))
    for j in range(PART_TIME_ENDED):  # earlier terms, already ended
        plan.append((communities[j * 3 % len(communities)], 100 + j, date(2020, 12, 31)))
    for seat, j, ended in plan:
        person = _name(rng)
        if seat.kind == UnitKind.COMMUNITY and j % 3 == 1 and seat in communities[:30]:
            home = owners[communities.index(seat)]
        else:
            home = homes[rng.randrange(len(homes))]
        part_time_member_create(
            actor=actor, seat=seat, person_name=person, home_unit=home, post=rng.choice(DEPARTMENT_POSTS),
            committee_post="兼职委员", term_from=date(2018, 1, 1) if ended else date(2021, 1, 1),
            term_to=ended,
        )
        made += 1
    return f"{made} part-time members seated"



STEPS = [
    (20, seed_members),
    (21, seed_department_members),
    (22, seed_soe_transfers),
    (23, seed_part_time_members),
]
