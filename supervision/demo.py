"""Demo data of the work system for ``seed_demo``: a year (2026) of weekly visits and cases, the
Yujingwan case, the task list with its letters, inspections, notices and an interview, and the
catalogue of delegated service items. Deterministic (fixed seed and dates) and idempotent (each
step skips what exists); visits and historical cases use the validated bulk paths."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import RoleGrant, User
from accounts.roles import Role
from org.choices import UnitKind
from org.models import OrgUnit, OutsideUnit, OutsideUnitKind

from .choices import (
    AssignmentRole,
    CaseAction,
    CaseKind,
    CaseSource,
    Category,
    CauseKind,
    FindingDimension,
    NoticeState,
    ReceivingLevel,
    ResponsibleLevel,
    Satisfaction,
)
from .models import (
    AccountabilityInterview,
    Case,
    DelegatedServiceItem,
    Inspection,
    KeyTask,
    SupervisionNotice,
    TimeLimit,
    VisitRecord,
)
from .services import (
    accountability_interview_create,
    assignment_letter_issue,
    case_bulk_import,
    daily_cycle_run,
    delegated_service_item_create,
    delegated_service_item_update,
    delegated_service_item_withdraw,
    finding_create,
    inspection_create,
    key_task_create,
    monthly_cycle_run,
    progress_report_create,
    quarterly_cycle_run,
    rectification_item_create,
    supervision_notice_issue,
    task_area_create,
    visit_records_bulk_create,
    weekly_cycle_run,
)

YEAR = 2026
FIRST_WEEK = dt.date(2026, 1, 5)  # Monday of 2026-W02
LAST_DAY = dt.date(2026, 11, 22)  # Sunday of 2026-W47: the demo's "last complete week"
RESOLVED_TARGET = 3120
OPEN_TARGET = 330
SEED = 20260101


def _admin() -> User:
    from org.demo.tree import demo_admin

    return demo_admin()


def _root() -> OrgUnit:
    return OrgUnit.objects.get(parent__isnull=True, code="SX")


def _departments() -> dict[str, OutsideUnit]:
    return {d.short_name: d for d in OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT)}


# -- 40: time limits and the delegated catalogue ---------------------------------------------------

TIME_LIMITS = {  # days by level for the categories that need longer
    Category.PROPERTY_CERTIFICATE: (30, 45, 90, 120),
    Category.INFRASTRUCTURE: (20, 30, 60, 90),
    Category.LABOUR: (10, 20, 30, 45),
}
SERVICE_ITEMS = (
    "居住证办理 流动人口登记 老年人优待证办理 高龄津贴申请 最低生活保障申请受理 特困人员供养申请受理 临时救助审批 "
    "残疾人证办理初审 残疾人两项补贴申请 计划生育家庭奖励扶助 独生子女父母光荣证 生育登记服务 "
    "城乡居民养老保险参保登记 城乡居民医疗保险参保登记 医保异地就医备案 就业创业证办理 失业登记 "
    "灵活就业人员社保登记 退役军人优待证申领 优抚对象抚恤补助申请 尊老金发放 孤儿基本生活费申请 "
    "困境儿童认定 低收入家庭认定 廉租住房申请受理 公共租赁住房申请受理 住房保障资格初审 门牌号码编制 "
    "殡葬补贴申请 婚姻状况证明协办 无犯罪记录证明代办 党员组织关系转接 流动党员登记 入党积极分子备案 "
    "社会组织成立登记初审 社区社会组织备案 志愿者注册 法律援助申请受理 人民调解申请 "
    "个体工商户登记代办 食品经营许可初审 小餐饮备案 户外广告设置初审 占道经营审批 "
    "建筑垃圾处置备案 房屋安全鉴定申请 危房改造申请 农村建房审批初审 宅基地使用申请初审 "
    "水电气报装协办 燃气安全检查备案 消防安全检查备案 学生资助申请受理"
).split()


@transaction.atomic
def seed_limits_and_items(*, stdout=None) -> str:
    made = 0
    for category in Category.values:
        days = TIME_LIMITS.get(category, (15, 30, 45, 60))
        for level, d in zip(ResponsibleLevel.values, days):
            _obj, created = TimeLimit.objects.get_or_create(category=category, level=level, defaults={"days": d})
            made += created
    admin, root, depts = _admin(), _root(), _departments()
    owners = ["区民政局", "区人社局", "区医保局", "区行政审批局", "区住建局", "区司法局", "区市场监管局", "区城管局"]
    existing = set(DelegatedServiceItem.objects.values_list("code", flat=True))
    items = 0
    for n, name in enumerate(SERVICE_ITEMS * 2):
        code = f"XF{n + 1:03d}"
        if code in existing:
            continue
        level = ReceivingLevel.STREET if n < len(SERVICE_ITEMS) else ReceivingLevel.COMMUNITY
        delegated_service_item_create(actor=admin, owner=root, code=code, name=name,
                                      department=depts[owners[n % len(owners)]], receiving_level=level,
                                      delegated_on=dt.date(2021, 3 + n % 9, 1 + n % 27))
        items += 1
    # Two items taken back, with their history (beyond the catalogue in force, which stays as it is).
    for code, name, dept, reason in WITHDRAWN_ITEMS:
        if code in existing:
            continue
        item = delegated_service_item_create(actor=admin, owner=root, code=code, name=name, department=depts[dept],
                                             receiving_level=ReceivingLevel.COMMUNITY,
                                             delegated_on=dt.date(2021, 4, 1))
        delegated_service_item_update(actor=admin, item=item, receiving_level=ReceivingLevel.STREET,
                                      reason="社区承接能力不足，改由街道受理")
        delegated_service_item_withdraw(actor=admin, item=item, withdrawn_on=dt.date(2022, 6, 30), reason=reason)
        items += 1
    return f"{made} time limits, {items} delegated service items"


WITHDRAWN_ITEMS = (
    ("XFW01", "再生育审批初审", "区卫健局", "国家政策调整，审批事项取消"),
    ("XFW02", "户外广告设置审批", "区城管局", "按规定收回区级统一审批"),
)


# -- 41: the task list ---------------------------------------------------------------------------

AREAS = ["组织体系建设", "治理体系建设", "工作体系建设", "保障体系建设", "考评考核"]
TASKS = [  # (area index, title)
    (0, "完善区委—街道—社区—小区—楼栋五级组织架构"), (0, "推进小区、楼宇、物业企业党组织全覆盖"),
    (0, "深化街道大工委和社区兼职委员制"), (0, "抓实机关在职党员双报到"),
    (1, "健全1+N议事协商制度"), (1, "推进社会组织和党组织双孵化"), (1, "落实流动党员双报一领"),
    (1, "打造一社一品党建品牌"), (2, "落实周纪实、月调度、季化解工作机制"), (2, "下放服务事项审批权限"),
    (2, "化解矛盾纠纷、解决实际困难"), (2, "开展四不两直调研督查"), (3, "提高社区运转经费保障"),
    (3, "改扩建社区办公用房"), (3, "盘活闲置办公用房"), (3, "加强社区干部培训和队伍建设"),
    (4, "纳入绩效考核和述职评议"), (4, "落实平时考核与年终考核相结合"),
]
OVERDUE_LETTERS = 2  # the first two street letters are left unfinished past their deadline


@transaction.atomic
def seed_task_list(*, stdout=None) -> str:
    admin, root, depts = _admin(), _root(), _departments()
    if KeyTask.objects.filter(owner=root, year=YEAR).exists():
        return "task list exists"
    areas = [task_area_create(actor=admin, owner=root, year=YEAR, number=n + 1, name=name)
             for n, name in enumerate(AREAS)]
    tasks = [key_task_create(actor=admin, area=areas[a], number=n + 1, title=title, deadline=dt.date(YEAR, 12, 31))
             for n, (a, title) in enumerate(TASKS)]
    from org.demo.tree import DEPARTMENTS

    assigned = [depts[name] for name in DEPARTMENTS[:31]]
    streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code"))
    issued = dt.date(YEAR, 2, 20)
    letters = 0
    for n, task in enumerate(tasks):
        assignees = [(None, assigned[n], AssignmentRole.LEAD),
                     (None, assigned[18 + n % 13], AssignmentRole.SUPPORT),
                     (streets[n % 6], None, AssignmentRole.SUPPORT if n >= 6 else AssignmentRole.LEAD)]
        for unit, dept, role in assignees:
            if dept is not None and dept == assigned[n] and role == AssignmentRole.SUPPORT:
                continue
            deadline = dt.date(YEAR, 9, 30) if unit is not None and n < OVERDUE_LETTERS else dt.date(YEAR, 12, 31)
            letter = assignment_letter_issue(actor=admin, task=task, issued_on=issued, deadline=deadline, unit=unit,
                                             department=dept, role=role,
                                             requirements="按交办书要求推进，每季度报送进展。")
            letters += 1
            if unit is None or n >= OVERDUE_LETTERS:
                progress_report_create(actor=admin, letter=letter, reported_on=dt.date(YEAR, 6, 30), percent=50,
                                       text="已制定方案，按计划推进。")
            if n % 3 == 0 and not (unit is not None and n < OVERDUE_LETTERS):
                progress_report_create(actor=admin, letter=letter, reported_on=dt.date(YEAR, 10, 31), percent=100,
                                       text="任务已完成。", completes=True)
    return f"{len(areas)} areas, {len(tasks)} key tasks, {letters} assignment letters"


# -- 42: cadres ------------------------------------------------------------------------------------

@transaction.atomic
def seed_cadres(*, stdout=None) -> str:
    """Two community cadres per urban community (one password hash computed once)."""
    communities = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code"))
    existing = set(User.objects.filter(username__startswith="cadre-").values_list("username", flat=True))
    password = make_password(settings.DEMO_PASSWORD)
    users = []
    for community in communities:
        for k in (1, 2):
            username = f"cadre-{community.code}-{k}"
            if username not in existing:
                users.append(User(username=username, password=password, full_name=f"{community.name[:-2]}干部{k}"))
    User.objects.bulk_create(users)
    by_name = dict(User.objects.filter(username__startswith="cadre-").values_list("username", "pk"))
    have = set(RoleGrant.objects.filter(role=Role.COMMUNITY_CADRE).values_list("user_id", "unit_id"))
    grants = [
        RoleGrant(user_id=by_name[f"cadre-{c.code}-{k}"], unit=c, role=Role.COMMUNITY_CADRE,
                  valid_from=dt.date(2021, 1, 1))
        for c in communities for k in (1, 2)
        if (by_name[f"cadre-{c.code}-{k}"], c.pk) not in have
    ]
    RoleGrant.objects.bulk_create(grants)
    return f"{len(users)} cadres, {len(grants)} grants"


# -- 43: weekly visits -----------------------------------------------------------------------------

HEARD = {
    Category.PROPERTY_MANAGEMENT: ["物业服务不到位，楼道卫生差", "电梯经常故障", "物业费收费标准有异议"],
    Category.PROPERTY_CERTIFICATE: ["房产证多年未办下来", "开发商遗留问题导致无法办证"],
    Category.NEIGHBOURHOOD: ["楼上漏水影响楼下", "邻里噪音纠纷", "公共区域堆放杂物"],
    Category.FAMILY: ["赡养老人纠纷", "家庭矛盾需要调解"],
    Category.LABOUR: ["装修工人工资被拖欠", "农民工讨薪"],
    Category.ENVIRONMENT: ["垃圾清运不及时", "小区绿化被毁"],
    Category.INFRASTRUCTURE: ["路灯不亮", "下水道堵塞", "停车位不足"],
    Category.SOCIAL_ASSISTANCE: ["独居老人需要照料", "低保申请咨询", "残疾人补贴咨询"],
    Category.SAFETY: ["电动车楼道充电隐患", "高空抛物"],
    Category.OTHER: ["居民对社区工作表示满意", "咨询疫苗接种", "建议增加文体活动"],
}


def _places_by_community() -> dict[int, list[OrgUnit]]:
    places: dict[int, list[OrgUnit]] = {}
    for unit in OrgUnit.objects.filter(community_anc__kind=UnitKind.COMMUNITY).order_by("code"):
        places.setdefault(unit.community_anc_id, []).append(unit)
    return places


def seed_visits(*, stdout=None) -> str:
    if VisitRecord.objects.filter(visited_on__year=YEAR).exists():
        return "visits exist"
    rng = random.Random(SEED)
    admin = _admin()
    places = _places_by_community()
    visitors = list(
        RoleGrant.objects.filter(role__in=[Role.COMMUNITY_CADRE, Role.COMMUNITY_SECRETARY],
                                 unit__kind=UnitKind.COMMUNITY).order_by("unit__code", "user_id")
        .values_list("user_id", "unit_id")
    )
    categories = list(HEARD)
    rows = []
    week = FIRST_WEEK
    while week + dt.timedelta(days=6) <= LAST_DAY:
        for user_id, community_id in visitors:
            if rng.random() < 0.04:  # some weeks some cadres miss (the weekly cycle catches it)
                continue
            place = rng.choice(places[community_id])
            category = rng.choice(categories)
            rows.append(dict(cadre_id=user_id, place=place, visited_on=week + dt.timedelta(days=rng.randint(0, 4)),
                             households=f"{rng.randint(1, 12)}栋{rng.randint(1, 4)}单元住户",
                             households_count=rng.randint(1, 6), heard=rng.choice(HEARD[category]),
                             category=category, needs_follow_up=rng.random() < 0.3))
        week += dt.timedelta(days=7)
    with transaction.atomic():
        count = visit_records_bulk_create(actor=admin, rows=rows)
    return f"{count} visit records"


# -- 44: cases -------------------------------------------------------------------------------------

def _steps_done(rng, registered: dt.date, departments: list[OutsideUnit]) -> list:
    day = registered
    steps = [(CaseAction.ACCEPT, day, {})]
    day += dt.timedelta(days=rng.randint(0, 2))
    steps.append((CaseAction.START, day, {}))
    roll = rng.random()
    if roll < 0.18:
        day += dt.timedelta(days=rng.randint(2, 8))
        steps.append((CaseAction.ESCALATE, day, {"to_level": ResponsibleLevel.STREET, "reason": "社区协调未果，提请街道调度"}))
        if roll < 0.05:
            day += dt.timedelta(days=rng.randint(2, 8))
            steps.append((CaseAction.ESCALATE, day, {"to_level": ResponsibleLevel.DEPARTMENT,
                                                     "department": rng.choice(departments),
                                                     "reason": "涉及部门职能，月调度会议决定交办"}))
    day += dt.timedelta(days=rng.randint(1, 12))
    steps.append((CaseAction.RESOLVE, day, {"resolution": "经协调已化解"}))
    if rng.random() < 0.8:
        satisfaction = Satisfaction.SATISFIED if rng.random() < 0.85 else Satisfaction.BASICALLY
        steps.append((CaseAction.FOLLOW_UP, day + dt.timedelta(days=rng.randint(1, 7)), {"satisfaction": satisfaction}))
    return steps, day


def _steps_open(rng, registered: dt.date, departments: list[OutsideUnit]) -> list:
    steps = []
    roll = rng.random()
    if roll < 0.15:
        return steps
    steps.append((CaseAction.ACCEPT, registered, {}))
    if roll < 0.3:
        return steps
    steps.append((CaseAction.START, registered + dt.timedelta(days=1), {}))
    if roll < 0.7:
        return steps
    day = registered + dt.timedelta(days=3)
    steps.append((CaseAction.ESCALATE, day, {"to_level": ResponsibleLevel.STREET, "reason": "需街道统筹"}))
    if roll < 0.85:
        return steps
    if roll < 0.93:
        steps.append((CaseAction.ESCALATE, day + dt.timedelta(days=5),
                      {"to_level": ResponsibleLevel.DEPARTMENT, "department": rng.choice(departments),
                       "reason": "需部门协调", "is_hard": True}))
        return steps
    steps.append((CaseAction.SEND_TO_CONSULTATION, day + dt.timedelta(days=5), {"reason": "疑难问题，提交季度会商"}))
    return steps


def _yujingwan(departments: dict[str, OutsideUnit]) -> dict:
    compound = OrgUnit.objects.get(name="御景湾小区", parent__name="环城桥社区")
    steps = [
        (CaseAction.ACCEPT, dt.date(2026, 1, 12), {}),
        (CaseAction.START, dt.date(2026, 1, 13), {}),
        (CaseAction.ESCALATE, dt.date(2026, 1, 20), {"to_level": ResponsibleLevel.STREET,
                                                      "reason": "开发商遗留问题，社区无法解决", "is_hard": True}),
        (CaseAction.ESCALATE, dt.date(2026, 2, 10), {"to_level": ResponsibleLevel.DEPARTMENT,
                                                      "department": departments["区委政法委"],
                                                      "reason": "月调度决定：由区委政法委牵头协调"}),
        (CaseAction.ASSIGN, dt.date(2026, 3, 5), {"department": departments["区遗留办"],
                                                   "reason": "历史遗留问题，交区遗留办主办"}),
        (CaseAction.SEND_TO_CONSULTATION, dt.date(2026, 3, 25), {"reason": "区遗留办、区住建局、区司法局季度会商"}),
        (CaseAction.RESOLVE, dt.date(2026, 6, 26), {
            "resolution": "区委政法委牵头，区遗留办、区住建局、区司法局协调指导，为御景湾小区920户居民办理房产证，"
                          "退还契税81.6万元",
            "amount_yuan": Decimal("816000.00"), "households_affected": 920}),
        (CaseAction.FOLLOW_UP, dt.date(2026, 7, 10), {"satisfaction": Satisfaction.SATISFIED}),
    ]
    return dict(unit=compound, kind=CaseKind.DIFFICULTY, source=CaseSource.MEETING, category=Category.PROPERTY_CERTIFICATE,
                title="御景湾小区920户房产办证难", parties="御景湾小区全体业主；开发商",
                description="御景湾小区920户居民因开发商遗留问题多年未能办理房产证，契税已缴无法退还。",
                households_affected=920, registered_on=dt.date(2026, 1, 9), is_hard=True, source_ref="DEMO-YJW",
                steps=steps)


def seed_cases(*, stdout=None) -> str:
    if Case.objects.filter(source_ref__startswith="DEMO-").exists():
        return "cases exist"
    rng = random.Random(SEED + 1)
    admin = _admin()
    depts = _departments()
    dept_list = [depts[n] for n in ("区住建局", "区城管局", "区民政局", "区人社局", "区司法局", "区市场监管局")]
    units = {u.pk: u for u in OrgUnit.objects.filter(community_anc__kind=UnitKind.COMMUNITY)}
    visits = list(VisitRecord.objects.filter(visited_on__year=YEAR, needs_follow_up=True)
                  .order_by("visited_on", "id").values_list("id", "place_id", "visited_on", "category", "heard"))
    rng.shuffle(visits)
    rows = []
    last = LAST_DAY
    for n in range(RESOLVED_TARGET + OPEN_TARGET):
        is_open = n >= RESOLVED_TARGET
        if n < len(visits) * 0.6 and not is_open:
            visit_id, place_id, day, category, heard = visits[n]
            source = dict(source=CaseSource.VISIT, visit_id=visit_id)
        else:
            visit_id, place_id, day, category, heard = visits[n % len(visits)]
            day = dt.date(YEAR, 1, 2) + dt.timedelta(days=rng.randint(0, (last - dt.date(YEAR, 1, 2)).days - 30))
            if is_open:  # open cases: mostly recent, a tenth of them old enough to be overdue
                day = last - dt.timedelta(days=rng.randint(0, 12) if rng.random() < 0.88 else rng.randint(40, 120))
            source = dict(source=rng.choice([CaseSource.HOTLINE, CaseSource.MEETING, CaseSource.OTHER]))
        if is_open:
            steps = _steps_open(rng, day, dept_list)
        else:
            steps, end = _steps_done(rng, day, dept_list)
            if end > last:
                day -= end - last
                steps, _end = _steps_done(random.Random(n), day, dept_list)
                steps = [(a, min(d, last), k) for a, d, k in steps]
        rows.append(dict(unit=units[place_id], kind=CaseKind.DISPUTE if rng.random() < 0.55 else CaseKind.DIFFICULTY,
                         category=category, title=heard[:60], description=heard, parties="居民",
                         households_affected=rng.randint(1, 5), registered_on=day, source_ref=f"DEMO-{n + 1}",
                         steps=steps, **source))
    rows.append(_yujingwan(depts))
    with transaction.atomic():
        count = case_bulk_import(actor=admin, rows=rows)
    return f"{count} cases"


# -- 45: the cycle, inspections, notices and an interview ---------------------------------------------

def seed_cycle_and_supervision(*, stdout=None) -> str:
    admin, root, depts = _admin(), _root(), _departments()
    for month in range(1, 11):
        monthly_cycle_run(period=f"{YEAR}-{month:02d}")
    for quarter in (1, 2, 3):
        quarterly_cycle_run(period=f"{YEAR}-Q{quarter}")
    for week in (45, 46, 47):
        weekly_cycle_run(period=f"{YEAR}-W{week}")
    with transaction.atomic():
        if not Inspection.objects.filter(unit=root).exists():
            streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code"))
            tasks = list(KeyTask.objects.filter(owner=root, year=YEAR).order_by("number"))
            dims = list(FindingDimension.values)
            for n, held_on in enumerate([dt.date(YEAR, 4, 16), dt.date(YEAR, 6, 18), dt.date(YEAR, 9, 10),
                                         dt.date(YEAR, 10, 22)]):
                street = streets[n % len(streets)]
                places = list(OrgUnit.objects.filter(street_anc=street, kind=UnitKind.COMMUNITY).order_by("code")[:3])
                inspection = inspection_create(actor=admin, unit=root, held_on=held_on, inspectors="区委组织部督查组",
                                               places=places, note="四不两直：不发通知、不打招呼、不听汇报、不用陪同接待")
                for k in range(2):
                    dim = dims[(2 * n + k) % len(dims)]
                    target = dict(department=depts["区住建局"]) if k else dict(unit=street)
                    finding = finding_create(actor=admin, inspection=inspection, dimension=dim,
                                             key_task=tasks[(n * 4 + k) % len(tasks)],
                                             description="周纪实记录不完整，部分事项未按时限办结" if not k
                                             else "交办事项进度滞后", **target)
                    rectification_item_create(actor=admin, finding=finding, description="限期整改并报送整改情况",
                                              deadline=held_on + dt.timedelta(days=30))
    daily_cycle_run(period="2026-11-26")
    with transaction.atomic():
        issued = 0
        if not AccountabilityInterview.objects.exists():
            drafts = SupervisionNotice.objects.filter(cause_kind__in=[CauseKind.LETTER, CauseKind.FINDING],
                                                      state=NoticeState.DRAFT).order_by("id")
            first = None
            for notice in drafts:
                notice = supervision_notice_issue(actor=admin, notice=notice, issued_on=dt.date(YEAR, 11, 26),
                                                  text="逾期未完成，予以督办通报，限期整改。")
                first = first or (notice if notice.cause_kind == CauseKind.LETTER else None)
                issued += 1
            if first is not None:
                accountability_interview_create(actor=admin, notice=first, held_on=dt.date(YEAR, 11, 27),
                                                interviewee=f"{first.unit.name}党工委书记",
                                                interviewer="区委组织部部长", outcome="提出整改要求，限期一个月")
    daily_cycle_run(period="2026-11-26")  # a rerun creates nothing
    return f"cycle runs done, {issued} notices issued"


STEPS = [
    (40, seed_limits_and_items),
    (41, seed_task_list),
    (42, seed_cadres),
    (43, seed_visits),
    (44, seed_cases),
    (45, seed_cycle_and_supervision),
]
