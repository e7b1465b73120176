"""Services of the assessment system: schemes (in use cannot change, copy), the quarterly opening
(idempotent), computed indicators traced to records, the reviewer's entries in scope, completion and
lapses, the year-end computation (idempotent), the quota and its cut, finalisation and reopening."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessment import selectors, services
from assessment.choices import AssesseeKind, IndicatorKind, RegularState, SchemeState, YearGrade
from assessment.models import (
    Indicator,
    IndicatorScore,
    Lapse,
    QuotaOverride,
    RegularAssessment,
    Scheme,
    YearClose,
    YearCloseEvent,
    YearResult,
)
from assessment.models.base import person_key, unit_key
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from supervision.models import VisitGap

from .conftest import Q1, YEAR, enter_and_complete
from .conftest import complete_q1 as _complete_q1
from .conftest import review_all as _review_all

pytestmark = pytest.mark.django_db
WRITES = (RegularAssessment, IndicatorScore, YearResult, Lapse, QuotaOverride, Scheme, Indicator)


def codes(exc):
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def ra(scheme, key, period=Q1):
    return RegularAssessment.objects.get(scheme=scheme, assessee_key=key, period=period)


class TestSchemes:
    def test_in_use_scheme_cannot_change(self, tree, world):
        with pytest.raises(ValidationError) as exc:
            services.scheme_update(actor=world.admin, scheme=world.community, base_excellent_pct=15)
        assert codes(exc.value) == {"scheme_in_use"}
        ind = world.community.indicators.first()
        with pytest.raises(ValidationError) as exc:
            services.indicator_update(actor=world.admin, indicator=ind, maximum=5)
        assert codes(exc.value) == {"scheme_in_use"}
        with pytest.raises(ValidationError):
            services.indicator_create(actor=world.admin, scheme=world.community, code="x", name="x",
                                      kind=IndicatorKind.REVIEWED, maximum=1)

    def test_copy_to_next_year_is_a_draft_with_the_indicators(self, tree, world):
        copy = services.scheme_copy(actor=world.admin, scheme=world.community, year=YEAR + 1)
        assert copy.state == SchemeState.DRAFT and copy.copied_from_id == world.community.pk
        assert list(copy.indicators.values_list("code", "rule_kind")) == list(
            world.community.indicators.values_list("code", "rule_kind"))
        services.scheme_update(actor=world.admin, scheme=copy, base_excellent_pct=15)
        with pytest.raises(ValidationError) as exc:
            services.scheme_copy(actor=world.admin, scheme=world.community, year=YEAR + 1)
        assert "scheme_exists" in codes(exc.value)

    def test_bad_scheme_and_indicator_input(self, tree, world):
        with pytest.raises(ValidationError) as exc:
            services.scheme_create(actor=world.admin, owner=tree.district, year=YEAR, assessee_kind="street",
                                   name="x", regular_weight=50, review_weight=60)
        assert "weights_not_100" in codes(exc.value)
        draft = services.scheme_create(actor=world.admin, owner=tree.district, year=YEAR,
                                       assessee_kind=AssesseeKind.STREET, name="x")
        with pytest.raises(ValidationError) as exc:
            services.indicator_create(actor=world.admin, scheme=draft, code="a", name="a",
                                      kind=IndicatorKind.COMPUTED, rule_kind="nope", maximum=5)
        assert "unknown_rule" in codes(exc.value)
        with pytest.raises(ValidationError) as exc:  # a cadre rule does not exist for satisfaction
            services.indicator_create(actor=world.admin, scheme=world.cadre, code="b", name="b",
                                      kind=IndicatorKind.COMPUTED, rule_kind="unsatisfied_followups", maximum=5)
        with pytest.raises(ValidationError) as exc:
            services.scheme_activate(actor=world.admin, scheme=draft)
        assert codes(exc.value) == {"no_indicators"}

    def test_only_the_district_keeps_schemes(self, tree, world):
        before = table_fingerprint(WRITES)
        with pytest.raises(ScopeDenied):
            services.scheme_create(actor=tree.users["street"], owner=tree.district, year=YEAR + 1,
                                   assessee_kind="street", name="x")
        with pytest.raises(ValidationError) as exc:
            services.scheme_create(actor=world.admin, owner=tree.s1, year=YEAR + 1, assessee_kind="street", name="x")
        assert codes(exc.value) == {"not_district"}
        assert table_fingerprint(WRITES) == before


class TestRegular:
    def test_open_is_idempotent_and_assesses_the_right_people(self, tree, world):
        result = services.regular_open(period=Q1)
        assert result["opened"] > 0
        keys = set(RegularAssessment.objects.values_list("scheme__assessee_kind", "assessee_key", "reviewer_unit"))
        assert (AssesseeKind.COMMUNITY, unit_key(tree.c1.pk), tree.s1.pk) in keys
        assert (AssesseeKind.COMMUNITY, unit_key(tree.c3.pk), tree.s2.pk) in keys
        assert (AssesseeKind.CADRE, person_key(world.cadres[0].pk, tree.c1.pk), tree.c1.pk) in keys
        community_secretary = tree.users["community"]
        assert (AssesseeKind.SECRETARY, person_key(community_secretary.pk, tree.c1.pk), tree.s1.pk) in keys
        street_secretary = tree.users["street"]
        assert (AssesseeKind.SECRETARY, person_key(street_secretary.pk, tree.s1.pk), tree.district.pk) in keys
        before, audits = table_fingerprint(WRITES), AuditLog.objects.count()
        again = services.regular_open(period=Q1)
        assert again["opened"] == 0 and again["scores"] == 0
        assert table_fingerprint(WRITES) == before and AuditLog.objects.count() == audits

    def test_the_task_calls_the_service(self, tree, world):
        from assessment.tasks import quarterly_open

        assert quarterly_open.delay(Q1).get()["opened"] > 0
        assert quarterly_open.delay(Q1).get()["opened"] == 0

    def test_computed_values_name_their_records(self, tree, world):
        services.regular_open(period=Q1)
        c1 = ra(world.community, unit_key(tree.c1.pk))
        scores = {s.indicator.code: s for s in c1.scores.select_related("indicator")}
        gap = VisitGap.objects.get(community=tree.c1, cadre__isnull=True, period="2026-W02")
        assert scores["visits"].value == 1 and scores["visits"].score == Decimal("18.00")
        assert scores["visits"].records == [{"type": "supervision.visitgap", "id": gap.pk}]
        assert scores["overdue"].value == 1
        assert scores["overdue"].records == [{"type": "supervision.case", "id": world.case.pk}]
        assert scores["notices"].value == 0 and scores["notices"].records == []
        cadre = ra(world.cadre, person_key(world.cadres[0].pk, tree.c1.pk))
        own_gap = VisitGap.objects.get(community=tree.c1, cadre=world.cadres[0], period="2026-W02")
        assert cadre.scores.get().records == [{"type": "supervision.visitgap", "id": own_gap.pk}]

    def test_reviewer_enters_and_completes(self, tree, world):
        services.regular_open(period=Q1)
        c1 = ra(world.community, unit_key(tree.c1.pk))
        street = tree.users["street"]
        with pytest.raises(ValidationError) as exc:
            services.regular_complete(actor=street, assessment=c1)
        assert codes(exc.value) == {"scores_missing"}
        work = world.community.indicators.get(code="work")
        with pytest.raises(ValidationError) as exc:
            services.regular_score_enter(actor=street, assessment=c1, indicator=work, score=51, evidence="x")
        assert codes(exc.value) == {"out_of_range"}
        with pytest.raises(ValidationError) as exc:
            services.regular_score_enter(actor=street, assessment=c1, indicator=work, score=40, evidence=" ")
        assert codes(exc.value) == {"required"}
        done = enter_and_complete(street, c1, score=45)
        # (18 + 15 + 10 + 45) / 100
        assert done.state == RegularState.COMPLETED and done.score == Decimal("88.00") and done.grade == "fairly_good"
        with pytest.raises(ValidationError) as exc:
            services.regular_score_enter(actor=street, assessment=c1, indicator=work, score=40, evidence="x")
        assert codes(exc.value) == {"completed"}

    @pytest.mark.parametrize("who", ["other_street", "community", "community2", "leader"])
    def test_entry_out_of_the_reviewer_scope_is_refused(self, tree, world, who):
        services.regular_open(period=Q1)
        c1 = ra(world.community, unit_key(tree.c1.pk))
        work = world.community.indicators.get(code="work")
        before = table_fingerprint(WRITES)
        with pytest.raises(ScopeDenied):
            services.regular_score_enter(actor=tree.users[who], assessment=c1, indicator=work, score=40,
                                         evidence="x")
        assert table_fingerprint(WRITES) == before

    def test_nobody_scores_their_own_assessment(self, tree, world):
        from accounts.roles import Role

        from .conftest import add_cadre

        staff = add_cadre(tree, "staff1", tree.s1, role=Role.STREET_STAFF)  # a street cadre, assessed by S1
        services.regular_open(period=Q1)
        own = ra(world.cadre, person_key(staff.pk, tree.s1.pk))
        assert own.reviewer_unit_id == tree.s1.pk
        with pytest.raises(ScopeDenied):
            services.regular_score_enter(actor=staff, assessment=own, indicator=world.cadre.indicators.get(code="work"),
                                         score=60, evidence="x")
        services.regular_score_enter(actor=tree.users["street"], assessment=own,
                                     indicator=world.cadre.indicators.get(code="work"), score=60, evidence="x")

    def test_lapses_by_quarter_deadline_and_records(self, tree, world):
        services.regular_open(period=Q1)
        street = tree.users["street"]
        c1 = ra(world.community, unit_key(tree.c1.pk))
        c2 = ra(world.community, unit_key(tree.c2.pk))
        enter_and_complete(street, c1, on=c1.deadline)
        enter_and_complete(street, c2, on=c2.deadline + dt.timedelta(days=1))  # late
        other = tree.users["other_street"]
        c3 = ra(world.community, unit_key(tree.c3.pk))
        enter_and_complete(other, c3, on=c3.deadline)
        assert services.lapses_record(period=Q1, on=c1.deadline)["lapses"] == 0  # deadline not passed yet
        result = services.lapses_record(period=Q1, on=c1.deadline + dt.timedelta(days=2))
        s1 = Lapse.objects.get(unit=tree.s1, period=Q1)
        assert s1.deadline == c1.deadline and set(s1.assessments.all()) >= {c2}
        assert c1 not in s1.assessments.all()
        # S2 completed C3 in time, but it has its own cadres? none; its secretary is assessed by the district
        assert not Lapse.objects.filter(unit=tree.s2).exists()
        assert result["lapses"] == Lapse.objects.count()
        before = table_fingerprint(WRITES)
        assert services.lapses_record(period=Q1, on=c1.deadline + dt.timedelta(days=3))["lapses"] == 0
        assert table_fingerprint(WRITES) == before


class TestYearEnd:
    def test_compute_is_set_based_and_idempotent(self, tree, world, django_assert_max_num_queries):
        _complete_q1(tree, world)
        with django_assert_max_num_queries(16):
            first = services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
        assert first["inserted"] == RegularAssessment.objects.values("scheme", "assessee_key").distinct().count()
        written = _review_all(tree, world)
        assert written["total"] > 0
        before, audits = table_fingerprint(WRITES), AuditLog.objects.count()
        again = services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
        assert not any(again.values()), again
        assert table_fingerprint(WRITES) == before and AuditLog.objects.count() == audits
        cadre = YearResult.objects.get(scheme=world.cadre, assessee_key=person_key(world.cadres[0].pk, tree.c1.pk))
        # regular: (35 + 60) = 95; total = 95×0.4 + 95×0.6 = 95 → excellent by score, 称职 until proposed
        assert cadre.regular_avg == Decimal("95.00") and cadre.total == Decimal("95.00")
        assert cadre.score_grade == YearGrade.EXCELLENT and cadre.grade == YearGrade.COMPETENT
        secretary = YearResult.objects.get(scheme=world.secretary,
                                           assessee_key=person_key(tree.users["community"].pk, tree.c1.pk))
        assert secretary.vote_score == Decimal("97.00")  # (8×100 + 2×85) / 10
        assert secretary.total == Decimal("81.40")  # 60×0.4 + 95×0.4 + 97×0.2
        assert secretary.grade == YearGrade.COMPETENT

    def test_quota_and_proposals(self, tree, world):
        _complete_q1(tree, world)
        _review_all(tree, world)
        row = selectors.quota_for(unit=tree.c1, scheme=world.cadre)
        assert (row["headcount"], row["base_pct"], row["lapses"], row["cut_points"], row["quota"]) == (5, 20, 0, 0, 1)
        community = tree.users["community"]
        first, second = YearResult.objects.filter(scheme=world.cadre, reviewer_unit=tree.c1).order_by("pk")[:2]
        services.excellent_propose(actor=community, result=first)
        before = table_fingerprint(WRITES)
        with pytest.raises(ValidationError) as exc:
            services.excellent_propose(actor=community, result=second)
        assert codes(exc.value) == {"over_quota"} and exc.value.params["quota"] == 1
        assert table_fingerprint(WRITES) == before
        first.refresh_from_db()
        assert first.grade == YearGrade.EXCELLENT
        assert selectors.quota_for(unit=tree.c1, scheme=world.cadre)["excellent"] == 1
        services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)  # keeps the proposal
        first.refresh_from_db()
        assert first.grade == YearGrade.EXCELLENT

    def test_lapse_cuts_the_quota_and_the_district_may_override(self, tree, world):
        _complete_q1(tree, world, late_units=[tree.c1])
        _review_all(tree, world)
        row = selectors.quota_for(unit=tree.c1, scheme=world.cadre)
        lapse = Lapse.objects.get(unit=tree.c1)
        assert (row["lapses"], row["computed_cut"], row["cut_points"], row["quota"]) == (1, 3, 3, 0)
        assert row["lapse_detail"] == [{"id": lapse.pk, "period": Q1, "deadline": lapse.deadline.isoformat(),
                                        "late": lapse.late_count}]
        first = YearResult.objects.filter(scheme=world.cadre, reviewer_unit=tree.c1).order_by("pk").first()
        with pytest.raises(ValidationError) as exc:
            services.excellent_propose(actor=tree.users["community"], result=first)
        assert exc.value.params["quota"] == 0
        with pytest.raises(ScopeDenied):
            services.quota_override_set(actor=tree.users["street"], unit=tree.c1, scheme=world.cadre, cut_points=0,
                                        reason="x")
        with pytest.raises(ValidationError) as exc:
            services.quota_override_set(actor=world.admin, unit=tree.c1, scheme=world.cadre, cut_points=0, reason="")
        assert codes(exc.value) == {"required"}
        audits = AuditLog.objects.filter(action="quota.override").count()
        services.quota_override_set(actor=world.admin, unit=tree.c1, scheme=world.cadre, cut_points=0,
                                    reason="系统故障导致逾期")
        assert AuditLog.objects.filter(action="quota.override").count() == audits + 1
        row = selectors.quota_for(unit=tree.c1, scheme=world.cadre)
        assert (row["lapses"], row["computed_cut"], row["override"], row["cut_points"], row["quota"]) == (
            1, 3, True, 0, 1)

    def test_cut_tiers(self, tree, world):
        scheme = world.cadre
        assert [scheme.cut_for(n) for n in range(6)] == [0, 3, 4, 5, 5, 5]

    def test_finalise_freezes_and_reopen_needs_a_reason(self, tree, world):
        _complete_q1(tree, world)
        _review_all(tree, world)
        with pytest.raises(ScopeDenied):
            services.year_finalise(actor=tree.users["street"], owner=tree.district, year=YEAR)
        close = services.year_finalise(actor=world.admin, owner=tree.district, year=YEAR)
        assert close.is_finalised and YearCloseEvent.objects.filter(close=close, action="finalise").count() == 1
        c1 = YearResult.objects.get(scheme=world.community, assessee_key=unit_key(tree.c1.pk))
        assert c1.frozen and c1.snapshot["regular"][0]["indicators"][0]["records"][0]["type"] == "supervision.visitgap"
        frozen = table_fingerprint((YearResult,))
        with pytest.raises(ValidationError) as exc:
            services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
        assert codes(exc.value) == {"year_finalised"}
        with pytest.raises(ValidationError) as exc:
            services.year_review_enter(actor=tree.users["street"], result=c1, review_score=10, evidence="x")
        assert codes(exc.value) == {"year_finalised"}
        assert table_fingerprint((YearResult,)) == frozen
        with pytest.raises(ValidationError) as exc:
            services.year_reopen(actor=world.admin, owner=tree.district, year=YEAR, reason=" ")
        assert codes(exc.value) == {"required"}
        services.year_reopen(actor=world.admin, owner=tree.district, year=YEAR, reason="复核申诉")
        assert YearClose.objects.get(year=YEAR).state == "reopened"
        assert AuditLog.objects.filter(action="year.reopen").count() == 1
        services.year_review_enter(actor=tree.users["street"], result=c1, review_score=10, evidence="x")


class TestVisibility:
    def test_people_see_their_own_and_assessors_those_they_assess(self, tree, world):
        _complete_q1(tree, world)
        services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
        cadre = world.cadres[0]
        mine = {r.person_id for r in selectors.year_result_list(user=cadre, year=YEAR) if r.person_id}
        assert mine == {cadre.pk}
        community = tree.users["community"]
        seen = set(selectors.year_result_list(user=community, year=YEAR).values_list("assessee_key", flat=True))
        assert person_key(world.cadres[1].pk, tree.c1.pk) in seen  # a cadre it assesses
        assert person_key(community.pk, tree.c1.pk) in seen  # its own
        assert person_key(tree.users["community2"].pk, tree.c2.pk) not in seen  # a peer secretary
        assert unit_key(tree.c2.pk) not in seen
        other = set(selectors.year_result_list(user=tree.users["other_street"], year=YEAR)
                    .values_list("unit_id", flat=True))
        assert tree.c1.pk not in other and tree.c3.pk in other
