"""Each cycle job run twice gives the same state; jobs claim (cycle, unit, period) first."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.models import AuditLog
from core.testing import table_fingerprint
from supervision import services
from supervision.choices import CaseState, CauseKind, ResponsibleLevel
from supervision.cycles import parse_period
from supervision.models import (
    Case,
    CaseEvent,
    Consultation,
    ConsultationItem,
    CycleRun,
    DispatchSheet,
    Notification,
    SupervisionNotice,
    VisitGap,
    VisitRecord,
)

pytestmark = pytest.mark.django_db
OUTPUTS = (CycleRun, VisitGap, DispatchSheet, Consultation, ConsultationItem, SupervisionNotice, Notification,
           Case, CaseEvent, AuditLog)


def _twice(fn, **kw):
    first = fn(**kw)
    state = table_fingerprint(OUTPUTS)
    second = fn(**kw)
    assert table_fingerprint(OUTPUTS) == state
    assert second["done"] == 0 and second["skipped"] == first["done"] + first["skipped"]
    return first


def test_weekly_records_gaps_once(tree, admin, cadre):
    # C1 has a visit by its secretary in W47; the cadre of C1 did not visit; C2 and C3 had none.
    from accounts.models import RoleGrant

    RoleGrant.objects.filter(user=tree.users["community2"]).update(valid_from=dt.date(2026, 1, 1))
    RoleGrant.objects.filter(user=tree.users["community"]).update(valid_from=dt.date(2026, 1, 1))
    services.visit_record_create(actor=tree.users["community"], place=tree.b1, visited_on=dt.date(2026, 11, 17),
                                 heard="反映路灯不亮")
    result = _twice(services.weekly_cycle_run, period="2026-W47")
    assert result["done"] == 3
    gaps = set(VisitGap.objects.values_list("community__code", "cadre__username"))
    assert gaps == {("C1", "cadre1"), ("C2", None), ("C2", "community2"), ("C3", None)}
    assert Notification.objects.filter(recipient=cadre, kind="visit_gap_cadre").count() == 1
    assert Notification.objects.filter(recipient=tree.users["street"], kind="visit_gap_community").count() == 1


def test_monthly_generates_each_sheet_once(tree, admin, depts, make_case):
    make_case(registered_on=dt.date(2026, 10, 3))
    result = _twice(services.monthly_cycle_run, period="2026-10")
    assert result["done"] == 2 + len(depts)  # two streets and the departments
    assert DispatchSheet.objects.filter(period="2026-10").count() == 4
    assert DispatchSheet.objects.get(unit=tree.s1, department__isnull=True).new_cases == 1


def test_quarterly_builds_and_carries_over(tree, admin, depts, make_case):
    old = make_case(registered_on=dt.date(2026, 5, 1))  # open past the 60-day threshold at Q3's end
    hard = make_case(registered_on=dt.date(2026, 9, 20), is_hard=True)
    make_case(registered_on=dt.date(2026, 9, 25))  # neither hard nor old
    _twice(services.quarterly_cycle_run, period="2026-Q3")
    q3 = Consultation.objects.get(unit=tree.s1, period="2026-Q3")
    assert dict(q3.items.values_list("case_id", "reason")) == {old.pk: "long_open", hard.pk: "hard"}
    services.case_accept(actor=admin, case=hard)
    services.case_start(actor=admin, case=hard)
    services.case_resolve(actor=admin, case=hard, resolution="已解决")
    assert q3.items.get(case=hard).closed_on is not None  # 销号
    _twice(services.quarterly_cycle_run, period="2026-Q4")
    q4 = Consultation.objects.get(unit=tree.s1, period="2026-Q4")
    assert set(q4.items.values_list("case_id", "reason")) >= {(old.pk, "carried_over")}
    assert not q4.items.filter(case=hard).exists()


def test_daily_drafts_one_notice_per_cause_and_month(tree, admin, depts, make_case):
    late = make_case(registered_on=dt.date(2026, 10, 1))  # due 10-16
    make_case(registered_on=dt.date(2026, 11, 20))  # not yet due
    _twice(services.daily_cycle_run, period="2026-11-25")
    _twice(services.daily_cycle_run, period="2026-11-26")  # another day, same month: nothing new
    notice = SupervisionNotice.objects.get()
    assert (notice.cause_kind, notice.case_id, notice.unit_id, notice.period) == (
        CauseKind.CASE, late.pk, tree.c1.pk, "2026-11")
    services.daily_cycle_run(period="2026-12-01")
    assert SupervisionNotice.objects.filter(case=late).count() == 2  # a new month, a new notice


def test_department_overdue_notice_targets_department(tree, admin, depts, make_case):
    case = make_case(registered_on=dt.date(2026, 8, 1))
    services.case_accept(actor=admin, case=case)
    services.case_escalate(actor=admin, case=case, to_level=ResponsibleLevel.DEPARTMENT, department=depts[0],
                           reason="需部门", on=dt.date(2026, 8, 2))
    services.daily_cycle_run(period="2026-11-26")
    notice = SupervisionNotice.objects.get(case=case)
    assert (notice.department_id, notice.unit_id) == (depts[0].pk, tree.district.pk)


def test_run_cycle_command_is_idempotent(tree, admin, depts):
    call_command("run_cycle", "monthly", "--period", "2026-10")
    state = table_fingerprint(OUTPUTS)
    call_command("run_cycle", "monthly", "--period", "2026-10")
    assert table_fingerprint(OUTPUTS) == state


def test_claim_is_unique_in_the_database(tree):
    period = parse_period("monthly", "2026-10")
    assert services.claim("monthly", period, tree.s1) is not None
    assert services.claim("monthly", period, tree.s1) is None
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleRun.objects.create(cycle="monthly", period="2026-10", unit=tree.s1)


def test_failed_job_rolls_back_its_claim(tree):
    period = parse_period("monthly", "2026-10")

    def boom(run):
        raise RuntimeError("broken")

    assert services.run_job("monthly", period, tree.s1, None, boom) == "failed"
    assert not CycleRun.objects.exists()
    assert services.run_job("monthly", period, tree.s1, None, lambda run: {"ok": 1}) == "done"


def test_visit_can_raise_cases_in_one_transaction(tree):
    visit = services.visit_record_create(
        actor=tree.users["community"], place=tree.p1, visited_on=dt.date(2026, 11, 18), heard="两户因漏水争执",
        category="neighbourhood", households="1栋301、401", households_count=2,
        cases=[{"title": "漏水纠纷", "kind": "dispute"}, {"title": "独居老人照料", "kind": "difficulty",
                                                      "category": "social_assistance"}],
    )
    assert visit.needs_follow_up and visit.cases.count() == 2
    assert set(visit.cases.values_list("source", "state")) == {("visit", CaseState.REGISTERED)}
    assert VisitRecord.objects.count() == 1


def test_consultation_decisions(tree, admin, depts, make_case):
    first = make_case(registered_on=dt.date(2026, 9, 1), is_hard=True)
    second = make_case(registered_on=dt.date(2026, 9, 2), is_hard=True)
    for case in (first, second):
        services.case_accept(actor=admin, case=case)
        services.case_start(actor=admin, case=case)
    consultation = services.consultation_build(actor=tree.users["street"], period="2026-Q3", unit=tree.s1)
    services.consultation_record(actor=tree.users["street"], consultation=consultation, held_on=dt.date(2026, 9, 28),
                                 participants="街道书记、社区书记、区住建局")
    one, two = consultation.items.order_by("case_id")
    done = services.consultation_decide(actor=tree.users["street"], item=one, decision="resolved",
                                        resolution="会商化解", on=dt.date(2026, 9, 28))
    assert done.closed_on == dt.date(2026, 9, 28)
    assert Case.objects.get(pk=first.pk).state == CaseState.RESOLVED
    services.consultation_decide(actor=tree.users["street"], item=two, decision="carry_over", note="下季度再议")
    q4 = services.consultation_build(actor=tree.users["street"], period="2026-Q4", unit=tree.s1)
    assert list(q4.items.values_list("case_id", "reason")) == [(second.pk, "carried_over")]
    from core.scoping import ScopeDenied

    with pytest.raises(ScopeDenied):
        services.consultation_build(actor=tree.users["community2"], period="2026-Q4", unit=tree.s1)
