"""Task → letter → notice → interview, traceable both ways; figures from records; notifications
never fail when the broker is down."""
import datetime as dt

import pytest

from supervision import selectors, services
from supervision.choices import CauseKind, NoticeState
from supervision.figures import compute
from supervision.models import Notification, SupervisionNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(tree, admin, depts):
    area = services.task_area_create(actor=admin, owner=tree.district, year=2026, number=1, name="工作体系")
    task = services.key_task_create(actor=admin, area=area, number=1, title="周纪实", deadline=dt.date(2026, 12, 31))
    services.assignment_letter_issue(actor=admin, task=task, issued_on=dt.date(2026, 2, 1),
                                     deadline=dt.date(2026, 9, 30), department=depts[0])
    return services.assignment_letter_issue(actor=admin, task=task, issued_on=dt.date(2026, 2, 1),
                                            deadline=dt.date(2026, 9, 30), unit=tree.s1)


def test_chain_both_ways(tree, admin, letter):
    services.daily_cycle_run(period="2026-11-26")
    notice = SupervisionNotice.objects.get(letter=letter)
    assert (notice.cause_kind, notice.state, notice.unit_id) == (CauseKind.LETTER, NoticeState.DRAFT, tree.s1.pk)
    notice = services.supervision_notice_issue(actor=admin, notice=notice, issued_on=dt.date(2026, 11, 27))
    interview = services.accountability_interview_create(actor=admin, notice=notice, held_on=dt.date(2026, 11, 28),
                                                         interviewee="书记", interviewer="部长")
    chain = selectors.letter_chain(letter=letter)
    assert [n.pk for n in chain["notices"]] == [notice.pk] and [i.pk for i in chain["interviews"]] == [interview.pk]
    back = selectors.notice_chain(notice=notice)
    assert back["task"].pk == letter.task_id and back["cause"].pk == letter.pk
    assert interview.letter_id == letter.pk and interview.notice_id == notice.pk
    counts = selectors.supervision_measure_counts(unit=tree.s1, period_from="2026-11", period_to="2026-11")
    assert counts == {"notices": 1, "interviews": 1}
    assert selectors.supervision_notice_list(user=tree.users["street"]).count() == 1
    assert selectors.supervision_notice_list(user=tree.users["other_street"]).count() == 0


def test_progress_report_completes_letter(tree, admin, letter):
    services.progress_report_create(actor=tree.users["street"], letter=letter, reported_on=dt.date(2026, 9, 1),
                                    percent=100, text="完成", completes=True)
    letter.refresh_from_db()
    assert letter.state == "completed"
    services.daily_cycle_run(period="2026-11-26")
    assert not SupervisionNotice.objects.filter(letter=letter).exists()


def test_figures(tree, admin, letter, depts, make_case):
    case = make_case()
    services.case_accept(actor=admin, case=case)
    services.case_start(actor=admin, case=case)
    services.case_resolve(actor=admin, case=case, resolution="ok")
    services.delegated_service_item_create(actor=admin, owner=tree.district, code="X1", name="居住证",
                                           department=depts[0], delegated_on=dt.date(2026, 1, 1))
    district = compute(tree.district, 2026)
    assert district == {
        "supervision.cases_resolved": 1, "supervision.delegated_service_items": 1, "supervision.key_tasks": 1,
        "supervision.task_areas": 1, "supervision.assigned_departments": 1, "supervision.assigned_streets": 1,
    }
    s1, s2 = compute(tree.s1, 2026), compute(tree.s2, 2026)
    assert s1["supervision.cases_resolved"] + s2["supervision.cases_resolved"] == 1
    assert s1["supervision.assigned_streets"] == 1 and s2["supervision.assigned_departments"] == 0


def test_notification_survives_broker_outage(tree, admin, django_capture_on_commit_callbacks, caplog, monkeypatch):
    from suxian.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own configuration (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_publish_retry",
                                      "broker_connection_timeout")}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0", task_publish_retry=False,
                    broker_connection_timeout=1)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            note = services.notification_create(actor=admin, recipient=tree.users["community"], kind="case_assigned",
                                                params={"title": "t", "due_on": "2026-12-01"})
    finally:
        app.conf.update(saved)
        app.pool.force_close_all()
    assert Notification.objects.filter(pk=note.pk, delivered_at__isnull=True).exists()
    assert selectors.notification_unread_count(user=tree.users["community"]) == 1
    assert services.notification_mark_read(actor=tree.users["community"]) == 1
    assert selectors.notification_unread_count(user=tree.users["community"]) == 0
