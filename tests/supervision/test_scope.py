"""Scope: sibling communities cannot see or act on each other's cases (404 / ScopeDenied, nothing
written); a department liaison sees and acts only on cases held by their department; list selectors
run a constant number of queries."""
import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from core.models import AuditLog
from core.scoping import Action, ScopeDenied, unit_in_scope
from core.testing import table_fingerprint
from supervision import selectors, services
from supervision.choices import CaseState, ResponsibleLevel
from supervision.models import Case, CaseEvent, VisitRecord

pytestmark = pytest.mark.django_db
WATCHED = (Case, CaseEvent, AuditLog, VisitRecord)


def test_sibling_community_gets_404_and_cannot_act(tree, make_case):
    case = make_case(unit=tree.p1)
    other = tree.users["community2"]
    with pytest.raises(Http404):
        selectors.case_get(user=other, pk=case.pk)
    assert not selectors.case_list(user=other).filter(pk=case.pk).exists()
    before = table_fingerprint(WATCHED)
    with pytest.raises(ScopeDenied):
        services.case_accept(actor=other, case=case)
    with pytest.raises(ScopeDenied):
        services.visit_record_create(actor=other, place=tree.p1, visited_on=dt.date(2026, 11, 2), heard="x")
    assert table_fingerprint(WATCHED) == before
    assert selectors.case_get(user=tree.users["community"], pk=case.pk).pk == case.pk
    assert selectors.case_get(user=tree.users["street"], pk=case.pk).pk == case.pk
    with pytest.raises(Http404):
        selectors.case_get(user=tree.users["other_street"], pk=case.pk)


def test_community_cannot_act_on_case_held_by_street(tree, admin, make_case):
    case = make_case(unit=tree.p1)
    services.case_accept(actor=admin, case=case)
    services.case_escalate(actor=admin, case=case, to_level=ResponsibleLevel.STREET, reason="需街道")
    before = table_fingerprint(WATCHED)
    with pytest.raises(ScopeDenied):
        services.case_resolve(actor=tree.users["community"], case=case, resolution="x")
    assert table_fingerprint(WATCHED) == before
    assert selectors.case_get(user=tree.users["community"], pk=case.pk).state == CaseState.ESCALATED  # still visible
    services.case_resolve(actor=tree.users["street"], case=case, resolution="街道协调解决")


def test_liaison_sees_only_their_departments_cases(tree, admin, depts, liaison, make_case):
    mine, theirs, local = make_case(), make_case(unit=tree.p3), make_case()
    for case, dept in ((mine, depts[0]), (theirs, depts[1])):
        services.case_accept(actor=admin, case=case)
        services.case_escalate(actor=admin, case=case, to_level=ResponsibleLevel.DEPARTMENT, department=dept,
                               reason="需部门")
    assert list(selectors.case_list(user=liaison).values_list("pk", flat=True)) == [mine.pk]
    for case in (theirs, local):
        with pytest.raises(Http404):
            selectors.case_get(user=liaison, pk=case.pk)
    before = table_fingerprint(WATCHED)
    with pytest.raises(ScopeDenied):
        services.case_resolve(actor=liaison, case=theirs, resolution="x")
    assert table_fingerprint(WATCHED) == before
    # the liaison acts on their case, then hands it back: it leaves their list
    services.case_return(actor=liaison, case=mine, reason="属街道职责", to_level=ResponsibleLevel.STREET)
    event = CaseEvent.objects.filter(case=mine).latest("id")
    assert (event.action, event.from_department_id, event.actor_id) == ("return", depts[0].pk, liaison.pk)
    assert not selectors.case_list(user=liaison).exists()
    assert selectors.visit_record_list(user=liaison).count() == 0  # no tree part from the liaison grant


def test_liaison_with_a_tree_grant_keeps_both_parts(tree, admin, depts, liaison, make_case):
    from accounts.models import RoleGrant
    from accounts.roles import Role
    from core.scoping import forget_scope

    RoleGrant.objects.create(user=liaison, unit=tree.c3, role=Role.COMMUNITY_CADRE, valid_from=dt.date(2026, 1, 1))
    forget_scope(liaison)
    from core.scoping import forget_scope

    forget_scope(liaison)
    c3_case = make_case(unit=tree.p3)
    c1_case = make_case(unit=tree.p1)
    assert set(selectors.case_list(user=liaison).values_list("pk", flat=True)) == {c3_case.pk}
    services.case_accept(actor=admin, case=c1_case)
    services.case_escalate(actor=admin, case=c1_case, to_level=ResponsibleLevel.DEPARTMENT, department=depts[0],
                           reason="需部门")
    assert set(selectors.case_list(user=liaison).values_list("pk", flat=True)) == {c3_case.pk, c1_case.pk}
    assert unit_in_scope(liaison, Action.VIEW, unit=tree.p1, department_id=depts[0].pk)
    assert not unit_in_scope(liaison, Action.VIEW, unit=tree.p1, department_id=None)


def _bulk_cases(tree, admin, n, start):
    from supervision.choices import CaseKind, CaseSource, Category

    rows = [dict(unit=[tree.p1, tree.b1, tree.c1][i % 3], kind=CaseKind.DISPUTE, source=CaseSource.OTHER,
                 category=Category.OTHER, title=f"c{i}", description="d", registered_on=dt.date(2026, 10, 1),
                 source_ref=f"{start}-{i}", steps=[]) for i in range(n)]
    services.case_bulk_import(actor=admin, rows=rows)
    visits = [dict(cadre=admin, place=tree.b1, visited_on=dt.date(2026, 10, 2), heard="h") for _ in range(n)]
    services.visit_records_bulk_create(actor=admin, rows=visits)


@pytest.mark.parametrize("persona", ["district", "street", "community"])
def test_list_queries_constant_in_data_size(tree, admin, liaison, persona):
    user = tree.users[persona]

    def count_queries():
        from core.scoping import forget_scope

        forget_scope(user)
        forget_scope(user)
        with CaptureQueriesContext(connection) as ctx:
            cases = list(selectors.case_list(user=user)[:50])
            [(c.unit.name, c.handler_unit and c.handler_unit.name, c.is_overdue) for c in cases]
            visits = list(selectors.visit_record_list(user=user)[:50])
            [(v.cadre.username, v.place.name, v.case_count) for v in visits]
        return len(ctx.captured_queries), len(cases)

    _bulk_cases(tree, admin, 5, "a")
    small, n_small = count_queries()
    _bulk_cases(tree, admin, 120, "b")
    large, n_large = count_queries()
    assert n_large > n_small
    assert large == small
