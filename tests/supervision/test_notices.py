"""Supervision notices are drafted, issued and withdrawn by the district only (CHANGE over the district
root, also for notices about a street or to a department); their numbers are unique once given."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse

from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from supervision import services
from supervision.choices import CauseKind, NoticeState
from supervision.models import Notification, SupervisionNotice
from supervision.services.inspections import NOTICE_PREFIX, _save_numbered

pytestmark = pytest.mark.django_db

WATCH = (SupervisionNotice, AuditLog, Notification)
DAY = dt.date(2026, 11, 27)


@pytest.fixture
def task(tree, admin):
    area = services.task_area_create(actor=admin, owner=tree.district, year=2026, number=1, name="工作体系")
    return services.key_task_create(actor=admin, area=area, number=1, title="周纪实", deadline=dt.date(2026, 12, 31))


@pytest.fixture
def draft(tree, admin, task):
    """A draft about the street secretary's own street S1."""
    return services.supervision_notice_create(actor=admin, cause_kind=CauseKind.TASK, cause=task, period="2026-11",
                                              unit=tree.s1)


@pytest.fixture
def dept_draft(tree, admin, task, depts):
    return services.supervision_notice_create(actor=admin, cause_kind=CauseKind.TASK, cause=task, period="2026-10",
                                              department=depts[0])


def _writes():
    """The watched tables, the audit log's denial rows aside (a 404 on a hidden record records one)."""
    return (table_fingerprint((SupervisionNotice, Notification)),
            list(AuditLog.objects.exclude(kind=AuditLog.Kind.DENIED).values_list("pk", flat=True)))


def _drafts(admin, task, tree, n):
    return [services.supervision_notice_create(actor=admin, cause_kind=CauseKind.TASK, cause=task,
                                               period=f"2026-{month:02d}", unit=tree.s1) for month in range(1, n + 1)]


# -- who may draft, issue, withdraw -----------------------------------------------------------------

@pytest.mark.parametrize("persona", ["street", "community", "other_street", "leader", "norole"])
def test_only_the_district_drafts_a_notice(tree, task, persona):
    before = table_fingerprint(WATCH)
    with pytest.raises(ScopeDenied):
        services.supervision_notice_create(actor=tree.users[persona], cause_kind=CauseKind.TASK, cause=task,
                                           period="2026-11", unit=tree.s1)
    assert table_fingerprint(WATCH) == before


def test_street_secretary_cannot_issue_or_withdraw_about_own_street(tree, draft):
    street = tree.users["street"]
    before = _writes()
    with pytest.raises(Http404):  # a draft about their street is not even visible to them
        services.supervision_notice_issue(actor=street, notice=draft, issued_on=DAY)
    with pytest.raises(Http404):
        services.supervision_notice_withdraw(actor=street, notice=draft, reason="已整改")
    assert _writes() == before
    draft.refresh_from_db()
    assert (draft.state, draft.number) == (NoticeState.DRAFT, "")


def test_district_admin_issues_and_withdraws(tree, admin, task):
    first, second = _drafts(admin, task, tree, 2)
    issued = services.supervision_notice_issue(actor=admin, notice=first, issued_on=DAY)
    withdrawn = services.supervision_notice_withdraw(actor=admin, notice=second, reason="已整改")
    assert (issued.state, issued.number) == (NoticeState.ISSUED, f"{NOTICE_PREFIX}〔2026〕1号")
    assert (withdrawn.state, withdrawn.number) == (NoticeState.WITHDRAWN, "")
    assert AuditLog.objects.filter(action__startswith="supervision_notice.").count() == 4  # 2 drafted + 2


def test_department_notice_needs_district_scope(tree, admin, dept_draft, liaison):
    watch = (SupervisionNotice, Notification)  # a refused id is recorded as a denial in the audit log
    before = table_fingerprint(watch)
    # neither a liaison of the department nor a street has CHANGE on it at all: like a missing id
    with pytest.raises(Http404):
        services.supervision_notice_issue(actor=liaison, notice=dept_draft, issued_on=DAY)
    with pytest.raises(Http404):
        services.supervision_notice_withdraw(actor=tree.users["street"], notice=dept_draft, reason="已整改")
    with pytest.raises(ScopeDenied):
        services.supervision_notice_create(actor=tree.users["street"], cause_kind=CauseKind.TASK,
                                           cause=dept_draft.key_task, period="2026-09", department=dept_draft.department)
    assert table_fingerprint(watch) == before
    issued = services.supervision_notice_issue(actor=admin, notice=dept_draft, issued_on=DAY)
    assert issued.state == NoticeState.ISSUED


# -- the pages --------------------------------------------------------------------------------------

@pytest.mark.parametrize("action,data", [("notice_issue", {"issued_on": "2026-11-27"}),
                                         ("notice_withdraw", {"reason": "已整改"}),
                                         ("notice_withdraw", {})])  # an invalid form is refused the same way
def test_street_secretary_gets_404_on_own_street_notice(client, tree, draft, action, data):
    client.force_login(tree.users["street"])
    before = _writes()
    assert client.post(reverse(f"supervision:{action}", args=[draft.pk]), data).status_code == 404
    assert _writes() == before


@pytest.mark.parametrize("persona,buttons", [("district", True), ("leader", False)])
def test_review_buttons_only_for_the_district(client, tree, draft, persona, buttons):
    client.force_login(tree.users[persona])
    r = client.get(reverse("supervision:notice_detail", args=[draft.pk]))
    assert r.status_code == 200
    assert r.context["can_review"] is buttons
    assert (r.context["issue_form"] is not None, r.context["withdraw_form"] is not None) == (buttons, buttons)
    assert (b'data-notice-action="issue"' in r.content) is buttons


def test_district_admin_issues_through_the_page(client, tree, draft):
    client.force_login(tree.users["district"])
    r = client.post(reverse("supervision:notice_issue", args=[draft.pk]), {"issued_on": "2026-11-27"})
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.state == NoticeState.ISSUED and draft.number


# -- numbers ----------------------------------------------------------------------------------------

def test_numbers_follow_the_highest_of_the_year(tree, admin, task):
    a, b, c = _drafts(admin, task, tree, 3)
    services.supervision_notice_issue(actor=admin, notice=a, issued_on=DAY)
    SupervisionNotice.objects.filter(pk=a.pk).update(number=f"{NOTICE_PREFIX}〔2026〕7号")  # a gap, e.g. on paper
    b = services.supervision_notice_issue(actor=admin, notice=b, issued_on=DAY)
    c = services.supervision_notice_issue(actor=admin, notice=c, issued_on=dt.date(2027, 1, 2))
    assert (b.number, c.number) == (f"{NOTICE_PREFIX}〔2026〕8号", f"{NOTICE_PREFIX}〔2027〕1号")


def test_two_notices_cannot_share_a_number(tree, admin, task):
    a, b = _drafts(admin, task, tree, 2)
    a = services.supervision_notice_issue(actor=admin, notice=a, issued_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisionNotice.objects.filter(pk=b.pk).update(number=a.number)
    b.number = a.number
    with pytest.raises(ValidationError) as exc:
        b.full_clean()
    assert [e.code for e in exc.value.error_dict["__all__"]] == ["number_taken"]


def test_blank_numbers_repeat(tree, admin, task):
    _drafts(admin, task, tree, 3)
    assert SupervisionNotice.objects.filter(number="").count() == 3


def test_a_number_taken_at_the_same_moment_is_a_clear_error(tree, admin, task):
    """The race: the unique constraint fires on save (after validation saw the number free); the
    savepoint keeps the transaction usable and the caller gets a coded ValidationError."""
    a, b = _drafts(admin, task, tree, 2)
    a = services.supervision_notice_issue(actor=admin, notice=a, issued_on=DAY)
    b.number, b.state, b.issued_on = a.number, NoticeState.ISSUED, DAY
    with transaction.atomic():
        with pytest.raises(ValidationError) as exc:
            _save_numbered(b, ["number", "state", "issued_on"])
        assert [e.code for e in exc.value.error_dict["number"]] == ["number_taken"]
        assert SupervisionNotice.objects.filter(pk=b.pk, state=NoticeState.DRAFT, number="").exists()


# -- drafts are internal to the district; interviews are held from above -------------------------

@pytest.mark.parametrize("persona", ["street", "community", "other_street"])
def test_a_draft_is_invisible_below_the_district_until_issued(client, tree, admin, draft, persona):
    client.force_login(tree.users[persona])
    detail = reverse("supervision:notice_detail", args=[draft.pk])
    api = f"/api/supervision/notices/{draft.pk}/"
    assert client.get(detail).status_code == 404 and client.get(api).status_code == 404
    assert draft.pk not in [n["id"] for n in client.get("/api/supervision/notices/").json()["results"]]
    services.supervision_notice_issue(actor=admin, notice=draft, issued_on=DAY)
    expected = 200 if persona == "street" else 404  # the notice is about S1 itself, not C1 below it
    assert client.get(detail).status_code == expected and client.get(api).status_code == expected


def test_a_department_draft_is_invisible_to_its_liaison_until_issued(tree, admin, dept_draft, liaison):
    assert not SupervisionNotice.objects.for_user(liaison).filter(pk=dept_draft.pk).exists()
    services.supervision_notice_issue(actor=admin, notice=dept_draft, issued_on=DAY)
    assert SupervisionNotice.objects.for_user(liaison).filter(pk=dept_draft.pk).exists()


def test_the_interviewed_street_cannot_record_its_own_interview(client, tree, admin, draft):
    from supervision.models import AccountabilityInterview

    notice = services.supervision_notice_issue(actor=admin, notice=draft, issued_on=DAY)
    client.force_login(tree.users["street"])
    before = table_fingerprint((*WATCH, AccountabilityInterview))
    r = client.post(reverse("supervision:notice_interview", args=[notice.pk]),
                    {"held_on": "2026-11-28", "interviewee": "街道书记", "interviewer": "区委组织部"})
    assert r.status_code == 404
    assert table_fingerprint((*WATCH, AccountabilityInterview)) == before
    with pytest.raises(ScopeDenied):
        services.accountability_interview_create(actor=tree.users["street"], held_on=DAY, interviewee="街道书记",
                                                 interviewer="区委组织部", notice=notice)
    interview = services.accountability_interview_create(actor=admin, held_on=DAY, interviewee="街道书记",
                                                         interviewer="区委组织部", notice=notice)
    assert interview.unit_id == tree.s1.pk


def test_a_street_interviews_its_community_but_a_community_not_itself(tree, task):
    kwargs = dict(held_on=DAY, interviewee="社区书记", interviewer="街道", cause_kind=CauseKind.TASK, cause=task,
                  unit=tree.c1)
    assert services.accountability_interview_create(actor=tree.users["street"], **kwargs).unit_id == tree.c1.pk
    with pytest.raises(ScopeDenied):
        services.accountability_interview_create(actor=tree.users["community"], **kwargs)
