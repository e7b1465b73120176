"""Demo data of the assessment system for ``seed_demo``: schemes for 2025 and 2026 (2026 copied from 2025),
four quarters of regular assessment per year computed from the demo's work records, some quarters
completed late or never (so that communities get each cut tier: 1, 2 and 3 lapses), year-end reviews
and 述职评议 votes, 优秀 proposed within the quotas, and 2025 finalised. Deterministic and idempotent:
every step goes through the services and skips what exists."""
from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import RoleGrant, User
from accounts.roles import Role
from org.choices import UnitKind
from org.models import OrgUnit

from . import selectors, services
from .choices import AssesseeKind, IndicatorKind, RegularState, SchemeState, YearGrade
from .models import RegularAssessment, Scheme, YearClose, YearResult

YEARS = (2025, 2026)
SEED = 20261203
K = AssesseeKind
C, R = IndicatorKind.COMPUTED, IndicatorKind.REVIEWED
INDICATORS = {
    K.STREET: [
        ("visits", "社区周纪实", C, "weeks_without_visits", 15, 1, 15, 3),
        ("overdue", "案件超期", C, "overdue_cases", 15, 1, 15, 3),
        ("notices", "督办通报", C, "notices_received", 10, 5, 10, 3),
        ("letters", "交办书进度报送", C, "letters_reported_late", 10, 2, 10, 3),
        ("findings", "督查问题整改", C, "findings_not_rectified", 10, 5, 10, 3),
        ("meetings", "社区1+N议事协商", C, "meetings_missing", 10, 2, 10, 2),
        ("resolutions", "议定事项落实", C, "resolutions_not_done", 10, 2, 10, 2),
        ("work", "抓城市基层党建", R, "", 40, 0, None, 1),
    ],
    K.COMMUNITY: [
        ("visits", "周纪实", C, "weeks_without_visits", 20, 2, 20, 3),
        ("overdue", "案件超期", C, "overdue_cases", 15, 3, 15, 3),
        ("satisfaction", "回访满意度", C, "unsatisfied_followups", 15, 3, 15, 3),
        ("notices", "督办通报", C, "notices_received", 10, 5, 10, 3),
        ("meetings", "1+N议事协商", C, "meetings_missing", 10, 5, 10, 2),
        ("resolutions", "议定事项落实", C, "resolutions_not_done", 10, 5, 10, 2),
        ("work", "党建工作", R, "", 40, 0, None, 1),
    ],
    K.DEPARTMENT: [
        ("overdue", "承办案件超期", C, "overdue_cases", 25, 3, 25, 3),
        ("letters", "交办书进度报送", C, "letters_reported_late", 25, 5, 25, 3),
        ("interviews", "约谈问责", C, "interviews", 10, 10, 10, 3),
        ("work", "履职尽责", R, "", 40, 0, None, 1),
    ],
    K.SECRETARY: [("work", "抓党建履职", R, "", 100, 0, None, 1)],
    K.CADRE: [
        ("visits", "本人周纪实", C, "weeks_without_visits", 40, 5, 40, 3),
        ("work", "工作实绩", R, "", 60, 0, None, 3),
    ],
}
WEIGHTS = {K.SECRETARY: (40, 40, 20)}
LATE_TIERS = {0: 1, 1: 2, 2: 3}  # community index % 7 → how many quarters it completes its cadres' late
EXTRA_CADRES = 3  # per community, beside the work system's two: five cadres give one 优秀 place


def _admin() -> User:
    from org.demo.tree import demo_admin

    return demo_admin()


def _root() -> OrgUnit:
    return OrgUnit.objects.get(parent__isnull=True, code="SX")


@transaction.atomic
def seed_assessment_cadres(*, stdout=None) -> str:
    """Three more cadres per urban community (people with a cadre's grant, like the work system's)."""
    communities = list(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code"))
    existing = set(User.objects.filter(username__startswith="staff-").values_list("username", flat=True))
    password = make_password(settings.DEMO_PASSWORD)
    users = [User(username=f"staff-{c.code}-{k}", password=password, full_name=f"{c.name[:-2]}社工{k}")
             for c in communities for k in range(1, EXTRA_CADRES + 1) if f"staff-{c.code}-{k}" not in existing]
    User.objects.bulk_create(users)
    by_name = dict(User.objects.filter(username__startswith="staff-").values_list("username", "pk"))
    have = set(RoleGrant.objects.filter(role=Role.COMMUNITY_CADRE).values_list("user_id", "unit_id"))
    grants = [RoleGrant(user_id=by_name[f"staff-{c.code}-{k}"], unit=c, role=Role.COMMUNITY_CADRE,
                        valid_from=dt.date(2021, 1, 1))
              for c in communities for k in range(1, EXTRA_CADRES + 1)
              if (by_name[f"staff-{c.code}-{k}"], c.pk) not in have]
    RoleGrant.objects.bulk_create(grants)
    return f"{len(users)} cadres, {len(grants)} grants"


def seed_schemes(*, stdout=None) -> str:
    admin, root = _admin(), _root()
    made = 0
    for kind, rows in INDICATORS.items():
        first = Scheme.objects.filter(owner=root, year=YEARS[0], assessee_kind=kind).first()
        if first is None:
            rw, vw, ww = WEIGHTS.get(kind, (40, 60, 0))
            first = services.scheme_create(actor=admin, owner=root, year=YEARS[0], assessee_kind=kind,
                                           name=f"{YEARS[0]}年度{K(kind).label}考核方案", regular_weight=rw,
                                           review_weight=vw, vote_weight=ww)
            for n, (code, name, ikind, rule, maximum, step, cap, area) in enumerate(rows, start=1):
                services.indicator_create(actor=admin, scheme=first, number=n, code=code, name=name, kind=ikind,
                                          rule_kind=rule, maximum=maximum, step=step, cap=cap,
                                          area_name=["组织体系建设", "治理体系建设", "工作体系建设"][area - 1])
            made += 1
        if first.state == SchemeState.DRAFT:
            services.scheme_activate(actor=admin, scheme=first)
        second = Scheme.objects.filter(owner=root, year=YEARS[1], assessee_kind=kind).first()
        if second is None:
            second = services.scheme_copy(actor=admin, scheme=first, year=YEARS[1],
                                          name=f"{YEARS[1]}年度{K(kind).label}考核方案")
            made += 1
        if second.state == SchemeState.DRAFT:
            services.scheme_activate(actor=admin, scheme=second)
    # next year's community scheme: copied from this year's and being edited (a draft, not in use)
    current = Scheme.objects.get(owner=root, year=YEARS[1], assessee_kind=K.COMMUNITY)
    if not Scheme.objects.filter(owner=root, year=YEARS[1] + 1, assessee_kind=K.COMMUNITY).exists():
        draft = services.scheme_copy(actor=admin, scheme=current, year=YEARS[1] + 1,
                                     name=f"{YEARS[1] + 1}年度{K(K.COMMUNITY).label}考核方案（征求意见稿）")
        services.indicator_update(actor=admin, indicator=draft.indicators.get(code="meetings"),
                                  params={"expected": 2})
        made += 1
    return f"{made} schemes"


def _late_quarters() -> dict[int, set[int]]:
    """Reviewer unit id → the quarters (1–4) in which it completes late; the last of a 3-lapse community
    is never completed."""
    out = {}
    for i, c in enumerate(OrgUnit.objects.filter(kind=UnitKind.COMMUNITY).order_by("code")):
        tier = LATE_TIERS.get(i % 7)
        if tier:
            out[c.pk] = set(range(1, tier + 1))
    streets = list(OrgUnit.objects.filter(kind=UnitKind.STREET).order_by("code"))
    if streets:
        out[streets[0].pk] = {2}
    return out


def seed_regular(*, stdout=None) -> str:
    """Open, score and complete the quarters (2026: the three that are over), then record the lapses."""
    admin, root = _admin(), _root()
    rng = random.Random(SEED)
    late = _late_quarters()
    completed = 0
    for year in YEARS:
        if YearClose.objects.filter(owner=root, year=year, state="finalised").exists():
            continue
        quarters = (1, 2, 3, 4) if year < YEARS[-1] else (1, 2, 3)
        for q in quarters:
            period = f"{year}-Q{q}"
            services.regular_open(actor=admin, period=period, owner=root)
            todo = (RegularAssessment.objects.filter(scheme__owner=root, period=period, state=RegularState.OPEN)
                    .select_related("scheme", "unit", "reviewer_unit").order_by("pk"))
            for a in todo:
                lapses = late.get(a.reviewer_unit_id, set())
                if q in lapses and q == max(lapses) and len(lapses) >= 3 and a.person_id:
                    continue  # never completed
                with transaction.atomic():
                    for ind in a.scheme.indicators.filter(kind=IndicatorKind.REVIEWED):
                        if not a.scores.filter(indicator=ind).exists():
                            services.regular_score_enter(
                                actor=admin, assessment=a, indicator=ind,
                                score=round(float(ind.maximum) * rng.uniform(0.72, 1.0), 1),
                                evidence="季度工作台账、会议记录", comment="")
                    on = a.deadline + dt.timedelta(days=4) if q in lapses else a.deadline - dt.timedelta(days=3)
                    services.regular_complete(actor=admin, assessment=a, on=on)
                completed += 1
            services.lapses_record(period=period, on=(dt.date(year, 3 * q, 28) + dt.timedelta(days=30)))
    return f"{completed} quarters completed"


def seed_yearend(*, stdout=None) -> str:
    """Year-end review and votes, results computed, 优秀 proposed within the quotas, 2025 finalised."""
    admin, root = _admin(), _root()
    rng = random.Random(SEED + 1)
    proposed = 0
    for year in YEARS:
        if YearClose.objects.filter(owner=root, year=year, state="finalised").exists():
            continue
        services.year_compute(actor=admin, owner=root, year=year)
        for r in YearResult.objects.filter(scheme__owner=root, year=year, review_score__isnull=True).select_related(
                "scheme").order_by("pk"):
            services.year_review_enter(actor=admin, result=r, review_score=round(rng.uniform(78, 99), 1),
                                       evidence="年度工作总结、考核组实地查看")
            if r.scheme.vote_weight and not r.votes_total:
                good = rng.randint(10, 18)
                services.debrief_record(actor=admin, result=r, report="抓基层党建工作述职报告", good=good,
                                        fairly_good=20 - good - 1, average=1, poor=0)
        services.year_compute(actor=admin, owner=root, year=year)
        quotas = {(q["unit_id"], q["scheme_id"]): q for q in selectors.quota_table(year=year, owner_id=root.pk)}
        candidates = (YearResult.objects.filter(scheme__owner=root, year=year, person__isnull=False,
                                                score_grade=YearGrade.EXCELLENT, excellent_proposed=False)
                      .order_by("reviewer_unit_id", "-total", "pk"))
        for r in candidates:
            q = quotas.get((r.reviewer_unit_id, r.scheme_id))
            if q and q["excellent"] < q["quota"]:
                services.excellent_propose(actor=admin, result=r)
                q["excellent"] += 1
                proposed += 1
        if year < YEARS[-1]:
            services.year_finalise(actor=admin, owner=root, year=year)
    return f"{proposed} excellent proposed"


STEPS = [
    (60, seed_assessment_cadres),
    (61, seed_schemes),
    (62, seed_regular),
    (63, seed_yearend),
]
