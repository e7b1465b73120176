"""The dispatch sheet's numbers equal the records; the dispatch meeting acts through the case services."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from supervision import selectors, services
from supervision.choices import CaseAction, CaseState, ResponsibleLevel
from supervision.cycles import parse_period
from supervision.models import CaseEvent, DispatchDecision, VisitRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(tree, admin, cadre, depts, make_case):
    """Cases and visits around October 2026 in street S1 (and one in S2 that must not count)."""
    c = {}
    c["old_open"] = make_case(registered_on=dt.date(2026, 8, 1))  # open, overdue at October's end
    c["new_open"] = make_case(unit=tree.c2, registered_on=dt.date(2026, 10, 20))  # due 11-04: not overdue
    c["new_resolved"] = make_case(registered_on=dt.date(2026, 10, 5))
    services.case_accept(actor=admin, case=c["new_resolved"], on=dt.date(2026, 10, 5))
    services.case_start(actor=admin, case=c["new_resolved"], on=dt.date(2026, 10, 6))
    services.case_resolve(actor=admin, case=c["new_resolved"], resolution="ok", on=dt.date(2026, 10, 9))
    c["resolved_later"] = make_case(registered_on=dt.date(2026, 10, 28))  # open at 10-31, resolved in November
    services.case_accept(actor=admin, case=c["resolved_later"], on=dt.date(2026, 10, 28))
    services.case_start(actor=admin, case=c["resolved_later"], on=dt.date(2026, 10, 29))
    services.case_resolve(actor=admin, case=c["resolved_later"], resolution="ok", on=dt.date(2026, 11, 3))
    c["other_street"] = make_case(unit=tree.p3, registered_on=dt.date(2026, 10, 7))
    c["november"] = make_case(registered_on=dt.date(2026, 11, 2))
    secretary = tree.users["community"]
    for day, place, user in [(dt.date(2026, 10, 3), tree.b1, cadre), (dt.date(2026, 10, 10), tree.p1, cadre),
                             (dt.date(2026, 10, 12), tree.c1, secretary), (dt.date(2026, 11, 2), tree.p1, cadre),
                             (dt.date(2026, 10, 12), tree.p3, admin)]:
        services.visit_record_create(actor=admin, cadre=user, place=place, visited_on=day, heard="民情",
                                     households_count=2)
    return c


def test_street_sheet_equals_records(tree, admin, october):
    sheet = services.dispatch_sheet_generate(actor=admin, period="2026-10", unit=tree.s1)
    as_of = dt.date(2026, 11, 1)
    cases = selectors.case_list(user=admin, unit=tree.s1)
    expected_new = cases.filter(registered_on__gte=dt.date(2026, 10, 1), registered_on__lt=as_of).count()
    assert sheet.new_cases == expected_new == 3
    assert sheet.resolved_cases == 1
    assert sheet.open_cases == 3  # old_open, new_open, resolved_later (still open on 10-31)
    assert sheet.overdue_cases == 1  # old_open
    visits = VisitRecord.objects.filter(place__street_anc=tree.s1, visited_on__month=10, visited_on__year=2026)
    assert sheet.visits == visits.count() == 3
    assert sheet.households_visited == 6
    assert (sheet.communities_total, sheet.communities_visited) == (2, 1)
    coverage = {row["code"]: row["visits"] for row in sheet.detail["coverage"]}
    assert coverage == {"C1": 3, "C2": 0}
    per_cadre = {row["user_id"]: row["visits"] for row in sheet.detail["cadres"]}
    assert per_cadre[tree.users["community"].pk] == 1
    # reproducible: generating again returns the stored snapshot unchanged
    again = services.dispatch_sheet_generate(actor=admin, period="2026-10", unit=tree.s1)
    assert again.pk == sheet.pk and again.generated_at == sheet.generated_at


def test_department_sheet_and_meeting_decisions(tree, admin, depts, liaison, make_case):
    case = make_case(registered_on=dt.date(2026, 10, 2))
    services.case_accept(actor=admin, case=case, on=dt.date(2026, 10, 2))
    services.case_escalate(actor=admin, case=case, to_level=ResponsibleLevel.DEPARTMENT, department=depts[0],
                           reason="需部门")
    period = parse_period("monthly", "2026-11")
    sheet = services.dispatch_sheet_generate(actor=liaison, period=period.key, department=depts[0])
    assert (sheet.open_cases, sheet.department_id, sheet.unit_id) == (1, depts[0].pk, tree.district.pk)
    meeting = services.dispatch_meeting_record(
        actor=liaison, sheet=sheet, held_on=dt.date(2026, 11, 27), attendees="局长、联络员",
        decisions=[{"case": case, "action": "reprioritise", "priority": "urgent", "note": "加急"}],
    )
    decision = DispatchDecision.objects.get(meeting=meeting)
    assert decision.event.action == CaseAction.REPRIORITISE
    case.refresh_from_db()
    assert case.priority == "urgent" and case.state == CaseState.ESCALATED


def test_meeting_refuses_case_not_on_sheet(tree, admin, depts, make_case):
    sheet = services.dispatch_sheet_generate(actor=admin, period="2026-10", unit=tree.s2)
    case = make_case(unit=tree.p1)
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError):
        services.dispatch_meeting_record(actor=admin, sheet=sheet, held_on=dt.date(2026, 11, 3), attendees="x",
                                         decisions=[{"case": case, "action": "assign",
                                                     "due_on": dt.date(2026, 12, 31)}])
    assert CaseEvent.objects.count() == events and not sheet.meetings.exists()


def test_time_limit_table_and_overdue(tree, admin, make_case):
    from supervision.models import TimeLimit

    TimeLimit.objects.create(category="labour", level="community", days=7)
    TimeLimit.objects.create(category="labour", level="street", days=20)
    case = make_case(category="labour", registered_on=dt.date(2026, 11, 1))
    assert case.due_on == dt.date(2026, 11, 8)
    services.case_accept(actor=admin, case=case)
    case = services.case_escalate(actor=admin, case=case, to_level="street", reason="r", on=dt.date(2026, 11, 10))
    assert case.due_on == dt.date(2026, 11, 30)
    assert selectors.case_list(user=admin, overdue=True, today=dt.date(2026, 12, 1)).get().pk == case.pk
    assert not selectors.case_list(user=admin, overdue=True, today=dt.date(2026, 11, 30)).exists()
    assert selectors.case_counts(user=admin, today=dt.date(2026, 12, 1))["overdue"] == 1
