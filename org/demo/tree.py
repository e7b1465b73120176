"""Demo data: the Suxian district tree of the article, built through the tree services.

14 streets/towns (6 urban streets), 179 communities/villages (63 urban communities), compounds and
buildings (77 compounds with a party branch), 308 office-building and 10 property-company party
organisations, grids, and one user per persona. Idempotent: rows are keyed by code.
"""
from __future__ import annotations

import random
from datetime import date

from django.conf import settings
from django.db import transaction

from accounts.models import RoleGrant, User
from accounts.roles import Role

from ..choices import NewDomainKind, PartyOrgType, UnitKind
from ..models import Grid, NewDomainOrg, OrgUnit, OutsideUnit, OutsideUnitKind
from ..services import (
    grid_assignment_create,
    grid_create,
    new_domain_org_create,
    org_unit_create,
    outside_unit_create,
)

DISTRICT_CODE = "SX"
URBAN_STREETS = ["苏仙岭街道", "南塔街道", "卜里坪街道", "王仙岭街道", "观山洞街道", "白鹿洞街道"]
TOWNS = ["白露塘镇", "良田镇", "栖凤渡镇", "坳上镇", "许家洞镇", "五里牌镇", "飞天山镇", "桥口镇"]
# Communities named in the article, placed under the first two streets.
NAMED_COMMUNITIES = {0: ["爱莲湖社区", "六角亭社区"], 1: ["环城桥社区"]}
COMMUNITY_WORDS = (
    "香雪 桔井 文化 兴隆 东风 燕泉 青年 五岭 同心 龙泉 新田 郴江 怡园 金桂 碧塘 荷叶 万华 观澜 "
    "东塔 飞虹 南岭 石榴 高坪 长冲 塔山 北湖 桐木 枫林 秀水 星光 骆仙 沙湖 凤形 栗木 涌泉 玉泉 "
    "湘南 锦绣 和平 新华 迎宾 光明 向阳 永安 红旗 旭日 华塘 民生 团结 安和 景湾 福城 云峰 明珠 "
    "青山 丹霞 回龙 仙岭 翠江 紫金 凤凰 桃源 荷花"
).split()
VILLAGE_WORDS = (
    "大塘 长坪 石门 上湾 下湾 杉木 松山 竹园 柳塘 田心 花园 黄泥 坪田 新塘 樟树 白石 清水 高岭 "
    "岭背 李家 王家 陈家 刘家 黄家 周家 邓家 罗家 曹家 廖家 唐家 谭家 雷家 何家 肖家 曾家 欧家 "
    "石桥 排上 洞口 岩前 坳头 山口 塘边 冲头 河边 桥头 水口 龙井 凤岭 牛头 马岭 羊角 鹅公 金盆 "
    "银坑 铜锣 铁坪 油塘 茶园 桑园 麻田 稻田 莲塘 藕塘 枣园 梨树 李树 桃树 柿竹 楠木 栗坪"
).split()
COMPOUND_WORDS = (
    "御景湾 金色家园 阳光城 锦江苑 龙腾苑 怡景园 名都花园 香樟园 翠湖苑 盛世华庭 书香门第 "
    "凤凰城 碧桂园 紫荆苑 世纪花园 滨江苑 学府苑 东方明珠 和谐家园 幸福里 新天地 同心苑 景秀苑 "
    "金桂园 玫瑰园 丽景苑 华府 水岸 雅苑 康城"
).split()

# How many compounds each urban community has (96 compounds; 77 with a party branch).
COMPOUNDS_TOTAL = 96
COMPOUNDS_WITH_BRANCH = 77
OFFICE_BUILDING_ORGS = 308
PROPERTY_COMPANY_ORGS = 10

PERSONAS = [
    # username, full name, role, unit code resolver
    ("district", "组织部管理员", Role.DISTRICT_ADMIN, "district"),
    ("leader", "区领导", Role.DISTRICT_VIEWER, "district"),
    ("street", "苏仙岭街道书记", Role.STREET_SECRETARY, "street"),
    ("community", "爱莲湖社区书记", Role.COMMUNITY_SECRETARY, "community"),
    ("community2", "六角亭社区书记", Role.COMMUNITY_SECRETARY, "community2"),
    ("grid", "爱莲湖网格员", Role.GRID_WORKER, "community"),
    ("dept", "区民政局联络员", Role.DEPARTMENT_LIAISON, "district"),
]


def _rng() -> random.Random:
    return random.Random(20211221)


def demo_admin() -> User:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", password=settings.DEMO_PASSWORD, full_name="系统管理员")
    return admin


def _names(words: list[str]):
    """Endless distinct names: the words, then the words with a direction prefix."""
    for prefix in ("", "新", "东", "西", "南", "北", "上", "下"):
        for word in words:
            yield f"{prefix}{word}"


def plan_tree() -> list[dict]:
    """The demo tree as a list of rows (parent before child), deterministic."""
    rng = _rng()
    rows: list[dict] = [
        dict(code=DISTRICT_CODE, parent=None, name="中共苏仙区委", kind=UnitKind.DISTRICT,
             party_org_type=PartyOrgType.DISTRICT_COMMITTEE, party_org_name="中共郴州市苏仙区委员会")
    ]
    community_words = _names(COMMUNITY_WORDS)
    village_words = _names(VILLAGE_WORDS)
    compound_words = list(COMPOUND_WORDS)
    urban_per_street = [11, 11, 11, 10, 10, 10]  # 63
    villages_per_town = [15, 15, 15, 15, 14, 14, 14, 14]  # 116
    urban_communities: list[str] = []
    for i, name in enumerate(URBAN_STREETS + TOWNS):
        street_code = f"{DISTRICT_CODE}{i + 1:02d}"
        urban = i < len(URBAN_STREETS)
        rows.append(dict(code=street_code, parent=DISTRICT_CODE, name=name,
                         kind=UnitKind.STREET if urban else UnitKind.TOWN,
                         party_org_type=PartyOrgType.WORKING_COMMITTEE if urban else PartyOrgType.COMMITTEE,
                         party_org_name=f"中共{name}{'工作委员会' if urban else '委员会'}"))
        count = urban_per_street[i] if urban else villages_per_town[i - len(URBAN_STREETS)]
        named = NAMED_COMMUNITIES.get(i, []) if urban else []
        for j in range(count):
            code = f"{street_code}{j + 1:03d}"
            if urban:
                cname = named[j] if j < len(named) else f"{next(community_words)}社区"
                urban_communities.append(code)
            else:
                cname = f"{next(village_words)}村"
            rows.append(dict(code=code, parent=street_code, name=cname,
                             kind=UnitKind.COMMUNITY if urban else UnitKind.VILLAGE,
                             party_org_type=PartyOrgType.GENERAL_BRANCH if urban else PartyOrgType.BRANCH,
                             party_org_name=f"{cname}{'党总支' if urban else '党支部'}"))
    # Compounds: 96 over the urban communities (the first ones get two), 77 with a party branch.
    compounds: list[dict] = []
    extra = COMPOUNDS_TOTAL - len(urban_communities)
    for k, community_code in enumerate(urban_communities):
        for m in range(2 if k < extra else 1):
            compounds.append(dict(parent=community_code, m=m))
    branch_flags = [True] * COMPOUNDS_WITH_BRANCH + [False] * (COMPOUNDS_TOTAL - COMPOUNDS_WITH_BRANCH)
    rng.shuffle(branch_flags)
    names_by_community: dict[str, int] = {}
    for idx, (spec, with_branch) in enumerate(zip(compounds, branch_flags)):
        parent = spec["parent"]
        code = f"{parent}{spec['m'] + 1:02d}"
        if parent.startswith(f"{DISTRICT_CODE}02") and parent.endswith("001") and spec["m"] == 0:
            cname = "御景湾小区"  # 环城桥社区's compound of the Yujingwan case
        else:
            cname = f"{compound_words[idx % len(compound_words)]}{'' if idx < len(compound_words) else idx // len(compound_words) + 1}小区"
        names_by_community[parent] = names_by_community.get(parent, 0) + 1
        households = rng.randint(300, 1200) if cname != "御景湾小区" else 920
        rows.append(dict(code=code, parent=parent, name=cname, kind=UnitKind.COMPOUND, households=households,
                         party_org_type=PartyOrgType.BRANCH if with_branch else "",
                         party_org_name=f"{cname}党支部" if with_branch else ""))
        buildings = rng.randint(4, 10)
        for b in range(buildings):
            has_group = with_branch and rng.random() < 0.7
            rows.append(dict(code=f"{code}{b + 1:02d}", parent=code, name=f"{b + 1}栋", kind=UnitKind.BUILDING,
                             households=rng.randint(24, 120),
                             party_org_type=PartyOrgType.GROUP if has_group else "",
                             party_org_name=f"{cname}{b + 1}栋党小组" if has_group else ""))
    return rows


@transaction.atomic
def seed_tree(*, stdout=None) -> str:
    actor = demo_admin()
    existing = dict(OrgUnit.objects.values_list("code", "pk"))
    created = 0
    units: dict[str, OrgUnit] = {}
    for row in plan_tree():
        row = dict(row)
        parent_code = row.pop("parent")
        code = row.pop("code")
        if code in existing:
            continue
        parent = units.get(parent_code) or (OrgUnit.objects.get(code=parent_code) if parent_code else None)
        units[code] = org_unit_create(actor=actor, parent=parent, code=code, **row)
        created += 1
    return f"{created} units created"


@transaction.atomic
def seed_new_domain_and_grids(*, stdout=None) -> str:
    actor = demo_admin()
    rng = _rng()
    urban_communities = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code"))
    streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code"))
    existing = set(NewDomainOrg.objects.values_list("code", flat=True))
    created = 0
    for n in range(OFFICE_BUILDING_ORGS):
        code = f"LY{n + 1:04d}"
        if code in existing:
            continue
        unit = urban_communities[n % len(urban_communities)] if n % 5 else streets[n % len(streets)]
        new_domain_org_create(actor=actor, unit=unit, kind=NewDomainKind.OFFICE_BUILDING, code=code,
                              name=f"{unit.name[:-2] if unit.name.endswith('社区') else unit.name}商务楼宇{n + 1}号党支部",
                              party_org_type=PartyOrgType.BRANCH, party_org_founded=date(2018 + n % 4, 1 + n % 12, 1))
        created += 1
    for n in range(PROPERTY_COMPANY_ORGS):
        code = f"WY{n + 1:03d}"
        if code in existing:
            continue
        unit = urban_communities[(n * 7) % len(urban_communities)]
        new_domain_org_create(actor=actor, unit=unit, kind=NewDomainKind.PROPERTY_COMPANY, code=code,
                              name=f"郴州{['恒泰', '嘉和', '锦程', '安居', '华信', '瑞祥', '康乐', '宏远', '金盾', '和顺'][n]}物业服务有限公司党支部",
                              party_org_type=PartyOrgType.BRANCH, party_org_founded=date(2019 + n % 3, 3, 1))
        created += 1
    existing_grids = set(Grid.objects.values_list("code", flat=True))
    grids = 0
    for community in urban_communities:
        for g in range(3 + rng.randint(0, 3)):
            code = f"{community.code}G{g + 1}"
            if code in existing_grids:
                continue
            grid_create(actor=actor, community=community, code=code, name=f"{community.name}第{g + 1}网格")
            grids += 1
    return f"{created} new-domain orgs, {grids} grids created"


DEPARTMENTS = [
    "区委组织部", "区委宣传部", "区委政法委", "区纪委监委", "区委统战部", "区民政局", "区住建局", "区司法局",
    "区遗留办", "区财政局", "区人社局", "区卫健局", "区教育局", "区城管局", "区市场监管局", "区应急管理局",
    "区自然资源局", "区生态环境分局", "区交通运输局", "区水利局", "区农业农村局", "区商务局", "区文旅广体局",
    "区医保局", "区退役军人事务局", "区信访局", "区行政审批局", "区发改局", "区工信局", "区总工会", "团区委",
    "区妇联", "区残联", "区科协", "区审计局", "区统计局", "区税务局", "区公安分局", "区消防救援大队",
]


@transaction.atomic
def seed_outside_units(*, stdout=None) -> str:
    actor = demo_admin()
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    existing = set(OutsideUnit.objects.values_list("code", flat=True))
    made = 0
    for n, name in enumerate(DEPARTMENTS):
        code = f"QZ{n + 1:03d}"
        if code not in existing:
            outside_unit_create(actor=actor, kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code=code,
                                name=f"苏仙{name}", short_name=name, registered_at=district)
            made += 1
    return f"{made} outside units created"


@transaction.atomic
def seed_personas(*, stdout=None) -> str:
    demo_admin()
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    community = OrgUnit.objects.get(name="爱莲湖社区")
    units = {
        "district": district,
        "street": community.parent,
        "community": community,
        "community2": OrgUnit.objects.get(name="六角亭社区"),
    }
    department = OutsideUnit.objects.filter(short_name="区民政局").first()
    made = 0
    for username, full_name, role, unit_key in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=settings.DEMO_PASSWORD, full_name=full_name,
                                            is_staff=role in (Role.DISTRICT_ADMIN, Role.STREET_SECRETARY))
            made += 1
        if not RoleGrant.objects.filter(user=user, role=role, unit=units[unit_key]).exists():
            RoleGrant.objects.create(
                user=user, unit=units[unit_key], role=role, valid_from=date(2021, 1, 1),
                department=department if role == Role.DEPARTMENT_LIAISON else None,
            )
    grid = Grid.objects.filter(community=community).order_by("code").first()
    if grid is not None and not grid.assignments.exists():
        grid_assignment_create(actor=demo_admin(), grid=grid, user=User.objects.get(username="grid"),
                               person_name="爱莲湖网格员", valid_from=date(2021, 1, 1))
    return f"{made} persona users created"
