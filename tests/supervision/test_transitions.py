"""Every allowed and refused case transition: allowed ones write exactly one CaseEvent (and one audit
row); refused ones raise ValidationError and write nothing."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditLog
from core.testing import table_fingerprint
from supervision import services
from supervision.choices import TRANSITIONS, CaseAction, CaseState, ResponsibleLevel, Satisfaction
from supervision.models import Case, CaseEvent, ConsultationItem, Notification

pytestmark = pytest.mark.django_db
WATCHED = (Case, CaseEvent, AuditLog, Notification, ConsultationItem)

# How to bring a fresh case into each state, through the services.
PATHS = {
    CaseState.REGISTERED: [],
    CaseState.ACCEPTED: [CaseAction.ACCEPT],
    CaseState.IN_PROGRESS: [CaseAction.ACCEPT, CaseAction.START],
    CaseState.ESCALATED: [CaseAction.ACCEPT, CaseAction.START, CaseAction.ESCALATE],
    CaseState.TO_CONSULTATION: [CaseAction.ACCEPT, CaseAction.START, CaseAction.SEND_TO_CONSULTATION],
    CaseState.RESOLVED: [CaseAction.ACCEPT, CaseAction.START, CaseAction.RESOLVE],
    CaseState.FOLLOWED_UP: [CaseAction.ACCEPT, CaseAction.START, CaseAction.RESOLVE, CaseAction.FOLLOW_UP],
}


def kwargs_for(action, case, depts):
    if action == CaseAction.ESCALATE:
        if case.state == CaseState.ESCALATED:
            return dict(to_level=ResponsibleLevel.DEPARTMENT, department=depts[0], reason="需部门协调")
        return dict(to_level=ResponsibleLevel.STREET, reason="社区无法解决")
    return {
        CaseAction.ACCEPT: {},
        CaseAction.START: {},
        CaseAction.RETURN: dict(reason="属社区职责", to_level=ResponsibleLevel.COMMUNITY),
        CaseAction.SEND_TO_CONSULTATION: dict(reason="疑难"),
        CaseAction.RESOLVE: dict(resolution="已协调维修"),
        CaseAction.FOLLOW_UP: dict(satisfaction=Satisfaction.NOT_SATISFIED),
        CaseAction.REOPEN: dict(reason="居民不满意"),
        CaseAction.ASSIGN: dict(due_on=case.registered_on + dt.timedelta(days=90)),
        CaseAction.REPRIORITISE: dict(priority="urgent"),
    }[action]


def drive(case, path, admin, depts):
    for action in path:
        case = services.SERVICE_FOR_ACTION[action](actor=admin, case=case, **kwargs_for(action, case, depts))
    return case


@pytest.mark.parametrize("state", list(PATHS))
@pytest.mark.parametrize("action", [a for a in CaseAction if a != CaseAction.REGISTER])
def test_transition_matrix(tree, admin, depts, make_case, action, state):
    case = drive(make_case(), PATHS[state], admin, depts)
    assert case.state == state
    allowed_from, to_state = TRANSITIONS[action]
    kwargs = kwargs_for(action, case, depts)
    events_before = CaseEvent.objects.filter(case=case).count()
    audits_before = AuditLog.objects.count()
    if state in allowed_from:
        result = services.SERVICE_FOR_ACTION[action](actor=admin, case=case, **kwargs)
        result.refresh_from_db()
        assert result.state == (to_state or state)
        events = list(CaseEvent.objects.filter(case=case).order_by("id"))
        assert len(events) == events_before + 1
        last = events[-1]
        assert (last.action, last.from_state, last.to_state, last.actor_id) == (
            action, state, result.state, admin.pk)
        assert AuditLog.objects.filter(action=f"case.{action}").count() >= 1
        assert AuditLog.objects.count() >= audits_before + 1
    else:
        before = table_fingerprint(WATCHED)
        with pytest.raises(ValidationError) as err:
            services.SERVICE_FOR_ACTION[action](actor=admin, case=case, **kwargs)
        assert err.value.error_dict["state"][0].code == "invalid_transition"
        assert table_fingerprint(WATCHED) == before


def test_register_writes_event_and_due_date(tree, admin, make_case):
    case = make_case(registered_on=dt.date(2026, 3, 1))
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_state, event.to_state, event.to_unit_id) == (
        CaseAction.REGISTER, "", CaseState.REGISTERED, tree.c1.pk)
    assert case.handler_unit_id == tree.c1.pk and case.level == ResponsibleLevel.COMMUNITY
    assert case.due_on == dt.date(2026, 3, 16)  # community default: 15 days


def test_full_path_with_return_records_returning_unit(tree, admin, depts, make_case):
    case = drive(make_case(), PATHS[CaseState.IN_PROGRESS], admin, depts)
    case = services.case_escalate(actor=admin, case=case, to_level=ResponsibleLevel.DEPARTMENT, department=depts[1],
                                  reason="需司法确认")
    case = services.case_return(actor=admin, case=case, reason="应由社区调解", to_level=ResponsibleLevel.STREET)
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.from_department_id, event.to_unit_id, event.reason) == (
        CaseAction.RETURN, depts[1].pk, tree.s1.pk, "应由社区调解")
    assert case.level == ResponsibleLevel.STREET and case.handler_department_id is None


@pytest.mark.parametrize(
    "action,kwargs,code",
    [
        (CaseAction.ESCALATE, dict(to_level=ResponsibleLevel.COMMUNITY, reason="x"), "not_higher"),
        (CaseAction.ESCALATE, dict(to_level=ResponsibleLevel.STREET, reason=" "), "required"),
        (CaseAction.ESCALATE, dict(to_level=ResponsibleLevel.DEPARTMENT, reason="x"), "required"),
        (CaseAction.RESOLVE, dict(resolution=""), "required"),
        (CaseAction.SEND_TO_CONSULTATION, dict(reason=""), "required"),
        (CaseAction.REPRIORITISE, dict(priority="normal"), "no_change"),
    ],
)
def test_refused_arguments_write_nothing(tree, admin, depts, make_case, action, kwargs, code):
    case = drive(make_case(), PATHS[CaseState.IN_PROGRESS], admin, depts)
    before = table_fingerprint(WATCHED)
    with pytest.raises(ValidationError) as err:
        services.SERVICE_FOR_ACTION[action](actor=admin, case=case, **kwargs)
    assert code in {e.code for errors in err.value.error_dict.values() for e in errors}
    assert table_fingerprint(WATCHED) == before


def test_reopen_only_when_not_satisfied(tree, admin, depts, make_case):
    case = drive(make_case(), PATHS[CaseState.RESOLVED], admin, depts)
    case = services.case_follow_up(actor=admin, case=case, satisfaction=Satisfaction.SATISFIED)
    before = table_fingerprint(WATCHED)
    with pytest.raises(ValidationError) as err:
        services.case_reopen(actor=admin, case=case, reason="x")
    assert err.value.error_dict["state"][0].code == "satisfied"
    assert table_fingerprint(WATCHED) == before


def test_reopen_clears_resolution_and_keeps_history(tree, admin, depts, make_case):
    case = drive(make_case(), PATHS[CaseState.FOLLOWED_UP], admin, depts)
    case = services.case_reopen(actor=admin, case=case, reason="仍在漏水")
    case.refresh_from_db()
    assert (case.state, case.resolved_on, case.satisfaction) == (CaseState.IN_PROGRESS, None, "")
    actions = list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True))
    assert actions == ["register", "accept", "start", "resolve", "follow_up", "reopen"]
    assert CaseEvent.objects.filter(case=case, action="reopen").get().satisfaction == Satisfaction.NOT_SATISFIED


def test_database_refuses_a_state_jump_without_service(tree, admin, make_case):
    from django.db import IntegrityError, transaction

    case = make_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(state=CaseState.RESOLVED)  # no resolved_on: constraint


def test_bulk_import_uses_the_same_rules(tree, admin, depts):
    from supervision.choices import CaseKind, CaseSource, Category

    base = dict(unit=tree.p1, kind=CaseKind.DISPUTE, source=CaseSource.OTHER, category=Category.OTHER, title="t",
                description="d", registered_on=dt.date(2026, 1, 5))
    ok = dict(base, steps=[(CaseAction.ACCEPT, dt.date(2026, 1, 5), {}), (CaseAction.START, dt.date(2026, 1, 6), {}),
                           (CaseAction.RESOLVE, dt.date(2026, 1, 9), {"resolution": "ok"})])
    assert services.case_bulk_import(actor=admin, rows=[ok]) == 1
    case = Case.objects.get()
    assert case.state == CaseState.RESOLVED and case.events.count() == 4
    before = table_fingerprint(WATCHED)
    jump = dict(base, steps=[(CaseAction.RESOLVE, dt.date(2026, 1, 9), {"resolution": "ok"})])
    with pytest.raises(ValidationError):
        services.case_bulk_import(actor=admin, rows=[ok, jump])
    assert table_fingerprint(WATCHED) == before
