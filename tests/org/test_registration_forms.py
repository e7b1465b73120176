"""Browser forms of dual registrations (双报到) and part-time committee members (兼职委员): create and end
per persona (out of scope is refused and writes nothing), bad input re-shows the form with an error code,
the list's filters survive a write, and the two list pages run a constant number of queries."""
from datetime import date, timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint
from org import services
from org.models import DualRegistration, OutsideUnit, PartTimeMember

from .member_factories import MemberFactory, make_members, outside_unit
from .test_member_views import CHANGE_C1, LOGGED_IN, WRITTEN, build_world, pk, url

pytestmark = pytest.mark.django_db

WATCHED = WRITTEN  # not AuditLog: a refused id out of scope is recorded as a denial
CHANGE_S1 = {"district", "street"}
CHANGE_C3 = {"district", "other_street"}
M4_ID = "431003197203154133"  # a valid check digit; only for m4


@pytest.fixture
def world(tree):
    """``build_world`` plus m4 (retired, P1, not registered), m5 (retired, P3), the existing registration of
    m1 at C1 (``dr1``), the seat at S1 (``pt_s1``) and one at C1 (``pt_c1``)."""
    build_world(tree)
    admin = tree.users["district"]
    tree.m4 = MemberFactory(actor=admin, unit=tree.p1, name="李四", id_number=M4_ID)
    tree.m5 = MemberFactory(actor=admin, unit=tree.p3, name="张五")
    tree.dept = OutsideUnit.objects.get(code="QZ1")
    tree.dr1 = DualRegistration.objects.get(member=tree.m1)
    tree.pt_s1 = PartTimeMember.objects.get(seat=tree.s1)
    tree.pt_c1 = services.part_time_member_create(actor=admin, seat=tree.c1, person_name="钱科长",
                                                  home_unit=tree.dept, term_from=date(2022, 1, 1))
    return tree


def dr_post(member_q="", community="C1", **over):
    def data(t):
        base = {"member_q": member_q(t) if callable(member_q) else member_q, "community": community,
                "commitment": "义务巡逻", "started_on": "2024-03-01"}
        base.update({k: v(t) if callable(v) else v for k, v in over.items()})
        return base
    return data


def pt_post(seat="S1", **over):
    def data(t):
        base = {"seat": seat, "person_name": "孙主任", "home_unit": t.dept.pk, "post": "副局长",
                "committee_post": "兼职委员", "term_from": "2024-01-01", "term_to": ""}
        base.update(over)
        return base
    return data


def end_post():
    return lambda t: {"ended_on": timezone.localdate().isoformat()}


REFUSED = (400, 404)  # 404: no CHANGE anywhere or an id out of scope; 400: a code or search out of scope


class TestRegistrationFormMatrix:
    matrix_cases = [
        Case("dr_list", url("dual_registration_list"), LOGGED_IN),
        Case("pt_list", url("part_time_member_list"), LOGGED_IN),
        # dual registrations: the member by ID number or by a picked id, the community by code
        Case("dr_create_c1_by_id_number", url("dual_registration_create"), CHANGE_C1, method="post",
             data=dr_post(M4_ID), ok_status=(302,), denied_status=REFUSED, models=WATCHED),
        Case("dr_create_c1_by_name", url("dual_registration_create"), CHANGE_C1, method="post",
             data=dr_post("李四"), ok_status=(302,), denied_status=REFUSED, models=WATCHED),
        Case("dr_create_c1_picked", url("dual_registration_create"), CHANGE_C1, method="post",
             data=dr_post(member=pk("m4")), ok_status=(302,), denied_status=REFUSED, models=WATCHED),
        Case("dr_create_c3", url("dual_registration_create"), CHANGE_C3, method="post",
             data=dr_post(member=pk("m5"), community="C3"), ok_status=(302,), denied_status=REFUSED,
             models=WATCHED),
        # someone else's member into one's own community: refused for all but the district
        Case("dr_create_m5_into_c1", url("dual_registration_create"), {"district"}, method="post",
             data=dr_post(member=pk("m5"), community="C1"), ok_status=(302,), denied_status=REFUSED,
             models=WATCHED),
        Case("dr_end_form", url("dual_registration_end", pk("dr1")), CHANGE_C1),
        Case("dr_end", url("dual_registration_end", pk("dr1")), CHANGE_C1, method="post", data=end_post(),
             ok_status=(302,), models=WATCHED),
        # part-time seats: the seat by code, the home unit from the outside units the user may pick
        Case("pt_create_s1", url("part_time_member_create"), CHANGE_S1, method="post", data=pt_post("S1"),
             ok_status=(302,), denied_status=REFUSED, models=WATCHED),
        Case("pt_create_c1", url("part_time_member_create"), CHANGE_C1, method="post", data=pt_post("C1"),
             ok_status=(302,), denied_status=REFUSED, models=WATCHED),
        Case("pt_create_c3", url("part_time_member_create"), CHANGE_C3, method="post", data=pt_post("C3"),
             ok_status=(302,), denied_status=REFUSED, models=WATCHED),
        Case("pt_end_form", url("part_time_member_end", pk("pt_s1")), CHANGE_S1),
        Case("pt_end_s1", url("part_time_member_end", pk("pt_s1")), CHANGE_S1, method="post", data=end_post(),
             ok_status=(302,), models=WATCHED),
        Case("pt_end_c1", url("part_time_member_end", pk("pt_c1")), CHANGE_C1, method="post", data=end_post(),
             ok_status=(302,), models=WATCHED),
    ]

    def test_matrix(self, client, world, persona, case):
        run_matrix_case(client, world, persona, case)


# -- what the writes leave behind -------------------------------------------------------------------

def _login(client, world, persona="community"):
    client.force_login(world.users[persona])


def test_create_registration_writes_one_row_and_keeps_the_filters(client, world):
    _login(client, world)
    audits = AuditLog.objects.count()
    target = reverse("org:dual_registration_create") + "?kind=retired&unit=C1"
    r = client.post(target, dr_post(M4_ID)(world))
    assert r.status_code == 302 and r["Location"] == reverse("org:dual_registration_list") + "?kind=retired&unit=C1"
    reg = DualRegistration.objects.get(member=world.m4, ended_on__isnull=True)
    assert (reg.community_id, reg.kind, reg.started_on) == (world.c1.pk, "retired", date(2024, 3, 1))
    assert AuditLog.objects.count() == audits + 1


def test_start_and_end_default_to_today(client, world):
    _login(client, world)
    form = client.get(reverse("org:dual_registration_list")).context["create_form"]
    assert form["started_on"].value() == timezone.localdate()
    assert client.get(reverse("org:dual_registration_end", args=[world.dr1.pk])).context["form"][
        "ended_on"].value() == timezone.localdate()
    r = client.post(reverse("org:part_time_member_end", args=[world.pt_c1.pk]) + "?unit=C1",
                    {"ended_on": timezone.localdate().isoformat()})
    assert r.status_code == 302 and r["Location"].endswith("?unit=C1")
    world.pt_c1.refresh_from_db()
    assert world.pt_c1.term_to == timezone.localdate()


def test_end_registration_sets_the_date(client, world):
    _login(client, world, "street")
    day = timezone.localdate() + timedelta(days=30)
    r = client.post(reverse("org:dual_registration_end", args=[world.dr1.pk]), {"ended_on": day.isoformat()})
    assert r.status_code == 302
    world.dr1.refresh_from_db()
    assert world.dr1.ended_on == day


def test_part_time_create_writes_the_seat(client, world):
    _login(client, world, "street")
    r = client.post(reverse("org:part_time_member_create"), pt_post("S1", term_to="2026-12-31")(world))
    assert r.status_code == 302
    seat = PartTimeMember.objects.get(person_name="孙主任")
    assert (seat.seat_id, seat.home_unit_id, seat.term_from, seat.term_to) == (
        world.s1.pk, world.dept.pk, date(2024, 1, 1), date(2026, 12, 31))


# -- bad input: the form again with an error code, nothing written ------------------------------------

def _refused(client, target, data, form_key, field, code, watched=WATCHED):
    before = table_fingerprint(watched)
    r = client.post(target, data)
    assert r.status_code == 400
    assert r.context[form_key].has_error(field, code), r.context[form_key].errors.as_data()
    assert table_fingerprint(watched) == before
    return r


@pytest.mark.parametrize("data,field,code", [
    (dr_post(M4_ID, community="ZZ9"), "community", "not_found"),  # unknown code
    (dr_post(M4_ID, community="C3"), "community", "not_found"),  # a code outside scope reads the same
    (dr_post("431003199001012945"), "member_q", "not_found"),  # nobody in scope
    (dr_post(""), "member_q", "required"),
    (dr_post(M4_ID, started_on="2024-02-30"), "started_on", "invalid"),
    (dr_post("王一"), "member_q", "duplicate"),  # m1 is already registered (service error, code kept)
])
def test_bad_registration_input_reshows_the_form(client, world, data, field, code):
    _login(client, world)
    _refused(client, reverse("org:dual_registration_create"), data(world), "create_form", field, code)


def test_several_matches_are_offered_to_pick_from(client, world):
    _login(client, world, "street")  # sees 王一 (P1) and 王二 (P2), not 王三 (P3)
    r = _refused(client, reverse("org:dual_registration_create"), dr_post("王")(world), "create_form", "member",
                 "ambiguous")
    offered = {value for value, _label in r.context["create_form"].fields["member"].choices}
    assert offered == {world.m1.pk, world.m2.pk}
    r = client.post(reverse("org:dual_registration_create"), dr_post("王", member=pk("m2"), community="C2")(world))
    assert r.status_code == 302
    assert DualRegistration.objects.filter(member=world.m2, community=world.c2, ended_on__isnull=True).exists()


def test_wrong_category_is_a_service_error_on_the_member(client, world):
    other = MemberFactory(actor=world.users["district"], unit=world.p1, name="周六", category="other")
    _login(client, world)
    _refused(client, reverse("org:dual_registration_create"), dr_post(member=other.pk)(world), "create_form",
             "member_q", "category")


@pytest.mark.parametrize("data,field,code", [
    (pt_post("ZZ9"), "seat", "not_found"),
    (pt_post("C2"), "seat", "not_found"),  # another community
    (pt_post("C1", person_name=""), "person_name", "required"),
    (pt_post("C1", home_unit=999999), "home_unit", "invalid_choice"),
])
def test_bad_part_time_input_reshows_the_form(client, world, data, field, code):
    _login(client, world)
    _refused(client, reverse("org:part_time_member_create"), data(world), "create_form", field, code)


def test_end_before_start_is_refused(client, world):
    _login(client, world)
    day_before = (world.dr1.started_on - timedelta(days=1)).isoformat()
    _refused(client, reverse("org:dual_registration_end", args=[world.dr1.pk]), {"ended_on": day_before}, "form",
             "ended_on", "date_order")
    _refused(client, reverse("org:part_time_member_end", args=[world.pt_c1.pk]), {"ended_on": "2021-12-31"},
             "form", "ended_on", "date_order")


def test_ending_twice_is_refused(client, world):
    _login(client, world)
    target = reverse("org:dual_registration_end", args=[world.dr1.pk])
    day = timezone.localdate() + timedelta(days=1)
    assert client.post(target, {"ended_on": day.isoformat()}).status_code == 302
    _refused(client, target, {"ended_on": day.isoformat()}, "form", NON_FIELD_ERRORS, "ended")


# -- who sees which buttons -------------------------------------------------------------------------

@pytest.mark.parametrize("persona,can_create,can_end", [
    ("district", True, True), ("street", True, True), ("community", True, True), ("leader", False, False),
])
def test_buttons_follow_change_scope(client, world, persona, can_create, can_end):
    _login(client, world, persona)
    for name, row in (("dual_registration_list", world.dr1), ("part_time_member_list", world.pt_c1)):
        ctx = client.get(reverse(f"org:{name}")).context
        assert ctx["can_create"] is can_create and (ctx["create_form"] is not None) is can_create
        rows = {r.pk: r.can_end for r in ctx["page"].object_list}
        assert rows[row.pk] is can_end


# -- constant queries -------------------------------------------------------------------------------

def _count(client, target):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(tree, n):
    admin = tree.users["district"]
    members = make_members(tree, tree.p1, n)
    dept = outside_unit(tree, code=f"QZ{n}", name=f"区财政局{n}")
    for i, m in enumerate(members):
        services.dual_registration_create(actor=admin, member=m, community=tree.c1)
        services.part_time_member_create(actor=admin, seat=tree.c1 if i % 2 else tree.s1, person_name=f"兼职{n}-{i}",
                                         home_unit=dept, term_from=date(2021, 1, 1))


@pytest.mark.parametrize("persona", ["district", "street", "community"])
def test_list_pages_run_constant_queries(client, world, persona):
    _login(client, world, persona)
    pages = [reverse("org:dual_registration_list"), reverse("org:part_time_member_list"),
             reverse("org:dual_registration_list") + "?unit=C1&ended=on"]
    _grow(world, 3)
    small = [_count(client, p) for p in pages]
    _grow(world, 30)
    big = [_count(client, p) for p in pages]
    assert big == small, (small, big)
