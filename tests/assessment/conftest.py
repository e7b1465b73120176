"""Fixtures of the assessment tests: schemes in use for 2026 on the persona tree, cadres at C1/C2, and
work records of the first quarter (a weekly check with gaps, an overdue case)."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from accounts.models import RoleGrant, User
from accounts.roles import Role
from assessment import services
from assessment.choices import AssesseeKind, IndicatorKind
from assessment.models import RegularAssessment, YearResult
from supervision.choices import CaseKind, CaseSource, Category
from supervision.services import case_register
from supervision.services.cycle import weekly_cycle_run

YEAR = 2026
Q1 = "2026-Q1"


def make_scheme(admin, owner, kind, indicators, year=YEAR, activate=True, **fields):
    scheme = services.scheme_create(actor=admin, owner=owner, year=year, assessee_kind=kind,
                                    name=f"{year}年{kind}考核方案", **fields)
    for n, spec in enumerate(indicators, start=1):
        services.indicator_create(actor=admin, scheme=scheme, number=n, **spec)
    if activate:
        services.scheme_activate(actor=admin, scheme=scheme)
    return scheme


COMMUNITY_INDICATORS = [
    dict(code="visits", name="周纪实", kind=IndicatorKind.COMPUTED, rule_kind="weeks_without_visits",
         maximum=20, step=2, cap=20, area_name="工作体系"),
    dict(code="overdue", name="超期案件", kind=IndicatorKind.COMPUTED, rule_kind="overdue_cases", maximum=20,
         step=5, cap=20),
    dict(code="notices", name="督办通报", kind=IndicatorKind.COMPUTED, rule_kind="notices_received", maximum=10,
         step=5),
    dict(code="work", name="党建工作", kind=IndicatorKind.REVIEWED, maximum=50),
]
PERSON_INDICATORS = [
    dict(code="visits", name="周纪实", kind=IndicatorKind.COMPUTED, rule_kind="weeks_without_visits", maximum=40,
         step=5, cap=40),
    dict(code="work", name="履职", kind=IndicatorKind.REVIEWED, maximum=60),
]
SECRETARY_INDICATORS = [dict(code="work", name="抓党建", kind=IndicatorKind.REVIEWED, maximum=100)]


def add_cadre(tree, name, unit, role=Role.COMMUNITY_CADRE):
    user = User.objects.create_user(name, password=tree.password, full_name=name)
    RoleGrant.objects.create(user=user, unit=unit, role=role, valid_from=dt.date(2020, 1, 1))
    tree.users[name] = user
    return user


@pytest.fixture
def world(tree):
    admin = tree.users["district"]
    # the persona grants start today: let them cover the assessed year
    RoleGrant.objects.filter(user__in=[u for u in tree.users.values() if u]).update(valid_from=dt.date(2020, 1, 1))
    w = SimpleNamespace(admin=admin)
    w.cadres = [add_cadre(tree, f"cadre{n}", tree.c1) for n in range(1, 6)]
    w.cadre_c2 = add_cadre(tree, "cadre_c2", tree.c2)
    w.community = make_scheme(admin, tree.district, AssesseeKind.COMMUNITY, COMMUNITY_INDICATORS)
    w.cadre = make_scheme(admin, tree.district, AssesseeKind.CADRE, PERSON_INDICATORS)
    w.secretary = make_scheme(admin, tree.district, AssesseeKind.SECRETARY, SECRETARY_INDICATORS,
                              regular_weight=40, review_weight=40, vote_weight=20)
    weekly_cycle_run(period="2026-W02")  # nobody visited: every community and cadre has a gap
    w.case = case_register(actor=admin, unit=tree.p1, kind=CaseKind.DISPUTE, source=CaseSource.HOTLINE,
                           category=Category.PROPERTY_MANAGEMENT, title="漏水纠纷", description="楼上漏水",
                           registered_on=dt.date(2026, 1, 5))
    return w


def enter_and_complete(actor, assessment, score=45, on=None):
    for ind in assessment.scheme.indicators.filter(kind=IndicatorKind.REVIEWED):
        services.regular_score_enter(actor=actor, assessment=assessment, indicator=ind,
                                     score=min(Decimal(score), ind.maximum), evidence="台账", comment="")
    return services.regular_complete(actor=actor, assessment=assessment, on=on)


def complete_q1(tree, world, late_units=()):
    """Open Q1, complete everything in time except the assessments reviewed by ``late_units``."""
    services.regular_open(period=Q1)
    reviewers = {tree.district.pk: tree.users["district"], tree.s1.pk: tree.users["street"],
                 tree.s2.pk: tree.users["other_street"], tree.c1.pk: tree.users["community"],
                 tree.c2.pk: tree.users["community2"]}
    for a in RegularAssessment.objects.filter(period=Q1).select_related("scheme"):
        late = a.reviewer_unit_id in {u.pk for u in late_units}
        enter_and_complete(reviewers[a.reviewer_unit_id], a, score=60 if a.scheme.assessee_kind != "community" else 50,
                           on=a.deadline + dt.timedelta(days=1 if late else 0))
    deadline = RegularAssessment.objects.filter(period=Q1).order_by("deadline").values_list("deadline", flat=True)[0]
    services.lapses_record(period=Q1, on=deadline + dt.timedelta(days=5))


def review_all(tree, world, score=95):
    services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
    reviewers = {tree.district.pk: tree.users["district"], tree.s1.pk: tree.users["street"],
                 tree.s2.pk: tree.users["other_street"], tree.c1.pk: tree.users["community"],
                 tree.c2.pk: tree.users["community2"]}
    for r in YearResult.objects.select_related("scheme"):
        services.year_review_enter(actor=reviewers[r.reviewer_unit_id], result=r, review_score=score, evidence="总结")
        if r.scheme.vote_weight:
            services.debrief_record(actor=reviewers[r.reviewer_unit_id], result=r, report="述职报告", good=8,
                                    fairly_good=2, average=0, poor=0)
    return services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
