"""Matrix cases the other supervision matrices leave out: every case transition of the API (each on a
case in the state it starts from) and reading a letter's progress reports.

Run for every persona plus a department liaison, like tests/supervision/test_views.py: who holds the
case (tree scope over its handling unit, or the handling department) succeeds, who only sees it
(the district leader) or does not see it (the sibling community, the other street, the liaison of a
department that does not hold it, no role) gets 404 like a missing id, anonymous is refused, and a
refused transition writes nothing. tests/test_url_matrix_coverage.py keeps every URL pattern covered.
"""
import datetime as dt

import pytest

from core.testing import Case, run_matrix_case
from supervision import services
from supervision.choices import CaseKind, CaseSource, Category, Satisfaction

from .test_views import ALL_PERSONAS, DISTRICT, MATRIX_CASE_WATCH, SEE_S1, build_world

pytestmark = pytest.mark.django_db

API = "/api/supervision"
HOLDERS_C1 = {"district", "street", "community"}  # RECORD scope over C1, where P1's cases are held
HOLDERS_DEPT = {"district", "liaison"}  # a case held by the first department


@pytest.fixture
def world(tree):
    """``build_world`` plus four cases at P1 held by C1, one in each state a transition starts from:
    accepted, in progress, resolved, followed up by a resident who was not satisfied."""
    w = build_world(tree)
    admin = tree.users["district"]

    def case(title):
        return services.case_register(actor=admin, unit=tree.p1, kind=CaseKind.DIFFICULTY,
                                      source=CaseSource.HOTLINE, category=Category.INFRASTRUCTURE, title=title,
                                      description="报修")

    w.accepted = services.case_accept(actor=admin, case=case("路灯"))
    w.in_progress = services.case_start(actor=admin, case=services.case_accept(actor=admin, case=case("水管")))
    w.resolved = services.case_resolve(
        actor=admin, case=services.case_start(actor=admin, case=services.case_accept(actor=admin, case=case("井盖"))),
        resolution="已修")
    w.unsatisfied = services.case_follow_up(
        actor=admin, case=services.case_resolve(
            actor=admin,
            case=services.case_start(actor=admin, case=services.case_accept(actor=admin, case=case("电梯"))),
            resolution="已修"),
        satisfaction=Satisfaction.NOT_SATISFIED)
    return w


def act(attr, action):
    return lambda t: f"{API}/cases/{getattr(t.w, attr).pk}/{action}/"


def transition(name, attr, action, data, allowed=HOLDERS_C1):
    return Case(name, act(attr, action), allowed, method="post", api=True, data=data, ok_status=(200,),
                models=MATRIX_CASE_WATCH)


MATRIX = [
    transition("case_start", "accepted", "start", lambda t: {}),
    # escalating hands the case to the street: still only who holds it now may do it
    transition("case_escalate_to_street", "accepted", "escalate", lambda t: {"to_level": "street",
                                                                            "reason": "需街道协调"}),
    transition("case_send_to_consultation", "in_progress", "send-to-consultation",
               lambda t: {"reason": "需会商"}),
    transition("case_follow_up", "resolved", "follow-up", lambda t: {"satisfaction": Satisfaction.SATISFIED}),
    transition("case_reopen", "unsatisfied", "reopen", lambda t: {"reason": "居民不满意"}),
    transition("case_assign", "case", "assign",
               lambda t: {"due_on": (t.w.today + dt.timedelta(days=7)).isoformat(), "reason": "限期"}),
    # handing a department's case to another department: only the district and the holding liaison
    transition("case_assign_dept_to_dept2", "dept_case", "assign", lambda t: {"department": t.w.dept2.pk,
                                                                             "reason": "属司法局"},
               allowed=HOLDERS_DEPT),
    transition("case_reprioritise", "case", "reprioritise", lambda t: {"priority": "high"}),
    Case("letter_reports", lambda t: f"{API}/letters/{t.w.letter.pk}/reports/", SEE_S1, api=True,
         ok_status=(200,)),
    Case("letter_reports_dept", lambda t: f"{API}/letters/{t.w.dept_letter.pk}/reports/", DISTRICT | {"liaison"},
         api=True, ok_status=(200,)),
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)
