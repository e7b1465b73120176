"""New-domain party organisations in the browser and the API: permission matrix, the end service, the
coverage per kind, ended organisations out of the current counts, constant query counts."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint
from org import figures, selectors, services
from org.choices import NewDomainKind, PartyOrgType
from org.models import NewDomainOrg, OutsideUnit, OutsideUnitKind

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
CHANGE_C1 = {"district", "street", "community"}
CHANGE_ANY = {"district", "street", "community", "community2", "other_street"}
WATCH = (NewDomainOrg,)


def make_org(tree, unit=None, code="ND1", kind=NewDomainKind.OFFICE_BUILDING, party=PartyOrgType.BRANCH, **kw):
    return services.new_domain_org_create(actor=tree.users["district"], unit=unit or tree.c1, kind=kind, code=code,
                                          name=kw.pop("name", f"楼宇{code}"), party_org_type=party, **kw)


def page(name, *args):
    return lambda t: reverse(f"org:{name}", args=[a(t) for a in args])


def api(name, *args):
    return lambda t: reverse(name, args=[a(t) for a in args])


def nd1(t):
    return t.nd1.pk


def form_data(unit_attr, code="ND9"):
    return lambda t: {"kind": NewDomainKind.PROPERTY_COMPANY, "code": code, "name": "物业党支部",
                      "unit": getattr(t, unit_attr).pk, "party_org_type": PartyOrgType.BRANCH}


def api_data(unit_attr, code="ND8"):
    return lambda t: {"kind": NewDomainKind.OFFICE_BUILDING, "code": code, "name": "商务楼宇党支部",
                      "unit": getattr(t, unit_attr).pk, "party_org_type": PartyOrgType.BRANCH}


def end_data(t):
    return {"ended_on": timezone.localdate().isoformat(), "reason": "企业注销"}


class TestNewDomainMatrix:
    matrix_cases = [
        Case("list", page("new_domain_org_list"), LOGGED_IN),
        Case("list_filtered", lambda t: reverse("org:new_domain_org_list") + "?kind=office_building&unit=C1",
             SEE_C1, denied_status=(400,)),  # a unit out of scope is a filter error (400), not rows
        Case("create_form", page("new_domain_org_create"), CHANGE_ANY),
        Case("create_c1", page("new_domain_org_create"), CHANGE_C1, method="post", data=form_data("c1"),
             ok_status=(302,), models=WATCH),
        # a street creating into another street's subtree: 404, nothing written
        Case("create_s2", page("new_domain_org_create"), {"district", "other_street"}, method="post",
             data=form_data("c3"), ok_status=(302,), models=WATCH),
        Case("update_form", page("new_domain_org_update", nd1), CHANGE_C1),
        Case("update", page("new_domain_org_update", nd1), CHANGE_C1, method="post",
             data=lambda t: {"kind": NewDomainKind.OFFICE_BUILDING, "code": "ND1", "name": "楼宇（改）",
                             "unit": t.c1.pk, "party_org_type": PartyOrgType.BRANCH},
             ok_status=(302,), models=WATCH),
        # moving it into C2 needs CHANGE over both: C1's secretary gets a 404 for C2
        Case("update_move_c2", page("new_domain_org_update", nd1), {"district", "street"}, method="post",
             data=lambda t: {"kind": NewDomainKind.OFFICE_BUILDING, "code": "ND1", "name": "楼宇",
                             "unit": t.c2.pk, "party_org_type": PartyOrgType.BRANCH},
             ok_status=(302,), models=WATCH),
        Case("end_form", page("new_domain_org_end", nd1), CHANGE_C1),
        Case("end", page("new_domain_org_end", nd1), CHANGE_C1, method="post", data=end_data, ok_status=(302,),
             models=WATCH),
        Case("api_list", api("newdomainorg-list"), LOGGED_IN, api=True),
        Case("api_coverage", api("newdomainorg-coverage"), LOGGED_IN, api=True),
        Case("api_detail", api("newdomainorg-detail", nd1), SEE_C1, api=True),
        # the API refuses a unit out of scope like a missing id (400 on ``unit``), writing nothing
        Case("api_create_c1", api("newdomainorg-list"), CHANGE_C1, method="post", data=api_data("c1"), api=True,
             ok_status=(201,), denied_status=(400,), models=WATCH),
        Case("api_create_s2", api("newdomainorg-list"), {"district", "other_street"}, method="post",
             data=api_data("c3"), api=True, ok_status=(201,), denied_status=(400,), models=WATCH),
        Case("api_update", api("newdomainorg-detail", nd1), CHANGE_C1, method="patch",
             data=lambda t: {"name": "楼宇（改）"}, api=True, ok_status=(200,), models=WATCH),
        Case("api_end", api("newdomainorg-end", nd1), CHANGE_C1, method="post", data=end_data, api=True,
             ok_status=(200,), models=WATCH),
    ]

    @pytest.fixture(autouse=True)
    def _org(self, tree):
        tree.nd1 = make_org(tree)

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)


# -- the end service -------------------------------------------------------------------------------

def test_end_keeps_history_audits_and_drops_out_of_counts(tree):
    admin = tree.users["district"]
    org = make_org(tree, code="ND1")
    make_org(tree, code="ND2")
    make_org(tree, code="WY1", kind=NewDomainKind.PROPERTY_COMPANY)
    assert figures.compute(tree.district)["org.office_building_party_orgs"] == 2
    day = timezone.localdate() - dt.timedelta(days=3)
    ended = services.new_domain_org_end(actor=admin, org=org, ended_on=day, reason="  企业迁出  ")
    assert (ended.ended_on, ended.end_reason) == (day, "企业迁出")
    org.refresh_from_db()
    assert org.ended_on == day
    row = AuditLog.objects.get(action="new_domain_org.end")
    assert row.actor_id == admin.pk and row.object_id == str(org.pk)
    assert selectors.new_domain_counts(tree.district)[NewDomainKind.OFFICE_BUILDING] == 1
    values = figures.compute(tree.district)
    assert (values["org.office_building_party_orgs"], values["org.property_company_party_orgs"]) == (1, 1)
    assert figures.compute(tree.s1)["org.office_building_party_orgs"] == 1


@pytest.mark.parametrize("ended_on,reason,field,code", [
    (lambda: timezone.localdate() + dt.timedelta(days=1), "撤销", "ended_on", "future"),
    (lambda: dt.date(1999, 12, 31), "撤销", "ended_on", "too_early"),
    (lambda: dt.date(2019, 12, 31), "撤销", "ended_on", "before_founded"),
    (lambda: timezone.localdate(), "   ", "reason", "required"),
])
def test_end_validates_and_writes_nothing(tree, ended_on, reason, field, code):
    from django.core.exceptions import ValidationError

    org = make_org(tree, party_org_founded=dt.date(2020, 1, 1))
    before = table_fingerprint([NewDomainOrg, AuditLog])
    with pytest.raises(ValidationError) as exc:
        services.new_domain_org_end(actor=tree.users["district"], org=org, ended_on=ended_on(), reason=reason)
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    assert table_fingerprint([NewDomainOrg, AuditLog]) == before


def test_an_ended_org_is_neither_ended_again_nor_edited(tree):
    from django.core.exceptions import ValidationError

    admin = tree.users["district"]
    org = make_org(tree)
    services.new_domain_org_end(actor=admin, org=org, ended_on=timezone.localdate(), reason="合并")
    before = table_fingerprint([NewDomainOrg, AuditLog])
    with pytest.raises(ValidationError) as exc:
        services.new_domain_org_end(actor=admin, org=org, ended_on=timezone.localdate(), reason="again")
    assert exc.value.error_list[0].code == "already_ended"
    with pytest.raises(ValidationError) as exc:
        services.new_domain_org_update(actor=admin, org=org, name="新名")
    assert exc.value.error_list[0].code == "ended"
    with pytest.raises(TypeError):
        services.new_domain_org_update(actor=admin, org=org, ended_on=None)
    assert table_fingerprint([NewDomainOrg, AuditLog]) == before


def test_end_out_of_scope_is_denied(tree):
    from core.scoping import ScopeDenied

    org = make_org(tree, unit=tree.c3)
    before = table_fingerprint([NewDomainOrg])
    with pytest.raises(ScopeDenied):
        services.new_domain_org_end(actor=tree.users["street"], org=org, ended_on=timezone.localdate(), reason="x")
    assert table_fingerprint([NewDomainOrg]) == before


# -- pages ---------------------------------------------------------------------------------------------

def _codes(response):
    return sorted(o.code for o in response.context["page"].object_list)


def test_list_filters_by_kind_unit_and_status(client, tree):
    admin = tree.users["district"]
    make_org(tree, code="ND1")
    make_org(tree, code="ND2", unit=tree.c2)
    make_org(tree, code="ND3", unit=tree.c3)
    make_org(tree, code="WY1", kind=NewDomainKind.PROPERTY_COMPANY)
    ended = make_org(tree, code="ND4")
    services.new_domain_org_end(actor=admin, org=ended, ended_on=timezone.localdate(), reason="注销")
    client.force_login(tree.users["street"])
    url = reverse("org:new_domain_org_list")
    assert _codes(client.get(url)) == ["ND1", "ND2", "WY1"]  # S1's, current
    assert _codes(client.get(url, {"kind": "office_building", "unit": "C1"})) == ["ND1"]
    assert _codes(client.get(url, {"status": "ended"})) == ["ND4"]
    assert _codes(client.get(url, {"status": "all", "unit": "C1"})) == ["ND1", "ND4", "WY1"]
    r = client.get(url, {"unit": "C3"})  # another street's unit: a filter error, no rows
    assert r.status_code == 400 and "unit" in r.context["form"].errors and _codes(r) == []
    assert client.get(url, {"status": "bogus"}).status_code == 400
    rows = {o.code: o.can_change for o in client.get(url, {"status": "all"}).context["page"].object_list}
    assert rows == {"ND1": True, "ND2": True, "WY1": True, "ND4": False}
    client.force_login(tree.users["community"])
    rows = {o.code: o.can_change for o in client.get(url).context["page"].object_list}
    assert rows == {"ND1": True, "WY1": True}


def test_create_page_writes_through_the_service(client, tree):
    client.force_login(tree.users["community"])
    r = client.post(reverse("org:new_domain_org_create"), form_data("c1", code="ND5")(tree))
    assert r.status_code == 302
    org = NewDomainOrg.objects.get(code="ND5")
    assert (org.unit_id, org.kind, org.ended_on) == (tree.c1.pk, NewDomainKind.PROPERTY_COMPANY, None)
    assert AuditLog.objects.filter(action="new_domain_org.create", object_id=str(org.pk)).count() == 1
    # a compound is not a place to attach one: a form error, nothing written
    before = table_fingerprint([NewDomainOrg])
    r = client.post(reverse("org:new_domain_org_create"), form_data("p1", code="ND6")(tree))
    assert r.status_code == 400 and "unit" in r.context["form"].errors
    # a duplicate code: an error on ``code``
    r = client.post(reverse("org:new_domain_org_create"), form_data("c1", code="ND5")(tree))
    assert r.status_code == 400 and "code" in r.context["form"].errors
    assert table_fingerprint([NewDomainOrg]) == before


def test_street_creating_into_another_street_is_404_and_writes_nothing(client, tree):
    client.force_login(tree.users["street"])
    before = table_fingerprint([NewDomainOrg])
    writes = AuditLog.objects.filter(kind=AuditLog.Kind.WRITE).count()
    r = client.post(reverse("org:new_domain_org_create"), form_data("c3", code="ND7")(tree))
    assert r.status_code == 404
    assert table_fingerprint([NewDomainOrg]) == before
    assert AuditLog.objects.filter(kind=AuditLog.Kind.WRITE).count() == writes
    # the units offered are the street's own
    r = client.get(reverse("org:new_domain_org_create"))
    offered = {v for v, _l in r.context["form"].fields["unit"].widget.choices if v}
    assert offered == {tree.s1.pk, tree.c1.pk, tree.c2.pk}


def test_end_page_ends_and_edit_of_ended_is_refused(client, tree):
    org = make_org(tree)
    client.force_login(tree.users["community"])
    r = client.post(reverse("org:new_domain_org_end", args=[org.pk]), {"ended_on": "", "reason": "x"})
    assert r.status_code == 400 and "ended_on" in r.context["form"].errors
    r = client.post(reverse("org:new_domain_org_end", args=[org.pk]), end_data(tree))
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.ended_on == timezone.localdate() and org.end_reason == "企业注销"
    r = client.post(reverse("org:new_domain_org_update", args=[org.pk]),
                    {"kind": org.kind, "code": org.code, "name": "改名", "unit": tree.c1.pk,
                     "party_org_type": org.party_org_type})
    assert r.status_code == 400 and r.context["form"].non_field_errors().as_data()[0].code == "ended"
    org.refresh_from_db()
    assert org.name != "改名"


# -- coverage ------------------------------------------------------------------------------------------

@pytest.fixture
def governance_world(tree):
    """One org of each kind with what the governance records tell about it."""
    from governance.models import Meeting, Participant, Posting, PropertyService, SocialOrganisation

    today = timezone.localdate()
    home = OutsideUnit.objects.create(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code="QZ1", name="区民政局",
                                      registered_at=tree.district)
    company = OutsideUnit.objects.create(kind=OutsideUnitKind.PROPERTY_COMPANY, code="WYGS", name="恒泰物业",
                                         registered_at=tree.c1)
    ob_posted = make_org(tree, code="ND1")
    make_org(tree, code="ND2", party=PartyOrgType.NONE)  # an office building without a party organisation yet
    ob_ended = make_org(tree, code="ND3")
    wy_active = make_org(tree, code="WY1", kind=NewDomainKind.PROPERTY_COMPANY)
    wy_idle = make_org(tree, code="WY2", kind=NewDomainKind.PROPERTY_COMPANY)
    so = make_org(tree, code="SO1", kind=NewDomainKind.SOCIAL_ORGANISATION)
    other = make_org(tree, code="ND9", unit=tree.c3)
    posting = dict(role="instructor", unit=tree.s1, person_name="指导员", home_unit=home,
                   started_on=today - dt.timedelta(days=100))
    Posting.objects.create(new_domain_org=ob_posted, **posting)
    Posting.objects.create(new_domain_org=ob_ended, **posting)
    Posting.objects.create(new_domain_org=other, **posting)
    Posting.objects.create(new_domain_org=wy_idle, **{**posting, "ended_on": today - dt.timedelta(days=1)})
    social = SocialOrganisation.objects.create(unit=tree.c1, name="志愿服务队", field="volunteering", leader_name="李",
                                               stage_since=today, founded_on=today, party_org=so)
    Posting.objects.create(social_org=social, **posting)  # posted into the social org whose party org SO1 is
    service = PropertyService.objects.create(unit=tree.p1, company=company, party_org=wy_active,
                                             started_on=today - dt.timedelta(days=400))
    idle_service = PropertyService.objects.create(unit=tree.p1, company=company, party_org=wy_idle,
                                                  started_on=today - dt.timedelta(days=400))
    recent = Meeting.objects.create(unit=tree.p1, title="议事会", held_on=today - dt.timedelta(days=10),
                                    state="held", minutes="纪要")
    old = Meeting.objects.create(unit=tree.p1, title="旧议事会", held_on=today - dt.timedelta(days=200),
                                 state="held", minutes="纪要")
    planned = Meeting.objects.create(unit=tree.p1, title="计划", held_on=today - dt.timedelta(days=5))
    Participant.objects.create(meeting=recent, role="property_company", property_service=service)
    Participant.objects.create(meeting=recent, role="social_organisation", social_org=social)
    Participant.objects.create(meeting=old, role="property_company", property_service=idle_service)
    Participant.objects.create(meeting=planned, role="property_company", property_service=idle_service)
    services.new_domain_org_end(actor=tree.users["district"], org=ob_ended, ended_on=today, reason="注销")
    return tree


def test_coverage_per_kind(governance_world):
    tree = governance_world
    rows = selectors.new_domain_org_list(user=tree.users["street"])
    with CaptureQueriesContext(connection) as ctx:
        coverage = {c["kind"]: c for c in selectors.new_domain_coverage(rows)}
    assert len(ctx.captured_queries) == 1
    ob = coverage[NewDomainKind.OFFICE_BUILDING]
    assert (ob["total"], ob["with_party"], ob["posted"], ob["active"]) == (2, 1, 1, None)
    assert ob["with_party_pct"] == 50.0 and ob["active_pct"] is None
    wy = coverage[NewDomainKind.PROPERTY_COMPANY]
    assert (wy["total"], wy["with_party"], wy["posted"], wy["active"]) == (2, 2, 0, 1)
    so = coverage[NewDomainKind.SOCIAL_ORGANISATION]
    assert (so["total"], so["posted"], so["active"]) == (1, 1, 1)
    npe = coverage[NewDomainKind.NON_PUBLIC_ENTERPRISE]
    assert (npe["total"], npe["posted"], npe["active"], npe["posted_pct"]) == (0, 0, None, None)
    # the district sees S2's organisation too
    district = {c["kind"]: c for c in selectors.new_domain_coverage(
        selectors.new_domain_org_list(user=tree.users["district"]))}
    assert (district[NewDomainKind.OFFICE_BUILDING]["total"], district[NewDomainKind.OFFICE_BUILDING]["posted"]) == (3, 2)


def test_coverage_on_the_page_and_api_follow_the_filters(client, governance_world):
    tree = governance_world
    client.force_login(tree.users["district"])
    r = client.get(reverse("org:new_domain_org_list"), {"unit": "C3"})
    ob = next(c for c in r.context["coverage"] if c["kind"] == NewDomainKind.OFFICE_BUILDING)
    assert (ob["total"], ob["posted"]) == (1, 1)
    r = client.get(reverse("newdomainorg-coverage"), {"unit": "S1"})
    assert r.status_code == 200
    wy = next(c for c in r.json() if c["kind"] == NewDomainKind.PROPERTY_COMPANY)
    assert (wy["total"], wy["posted"], wy["active"]) == (2, 0, 1)


def test_meeting_state_literal_matches_governance():
    from governance.choices import MeetingState
    from org.selectors.new_domain import MEETING_HELD

    assert MEETING_HELD == MeetingState.HELD


# -- constant queries ----------------------------------------------------------------------------------

def _list_queries(client, tree, n):
    start = NewDomainOrg.objects.count()
    for i in range(start, start + n):
        make_org(tree, code=f"Q{i:03d}", unit=tree.c1 if i % 2 else tree.s1)
    client.force_login(tree.users["street"])
    url = reverse("org:new_domain_org_list")
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, {"kind": "office_building"})
    assert r.status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_are_constant(client, tree):
    small = _list_queries(client, tree, 3)
    large = _list_queries(client, tree, 40)
    assert small == large, (small, large)
    assert large <= 10


def test_api_list_queries_are_constant(client, tree):
    client.force_login(tree.users["district"])
    url = reverse("newdomainorg-list")
    counts = []
    for n in (3, 30):
        for i in range(n):
            make_org(tree, code=f"A{n}{i:03d}", unit=tree.c2)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, {"unit": "S1"})
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# -- API -----------------------------------------------------------------------------------------------

def test_api_filters_end_and_create(client, tree):
    make_org(tree, code="ND1")
    make_org(tree, code="ND3", unit=tree.c3)
    client.force_login(tree.users["district"])
    url = reverse("newdomainorg-list")
    assert [o["code"] for o in client.get(url, {"unit": "S1"}).json()["results"]] == ["ND1"]
    r = client.get(url, {"unit": "NOPE"})
    assert r.status_code == 400 and "unit" in r.json()
    org = NewDomainOrg.objects.get(code="ND1")
    end_url = reverse("newdomainorg-end", args=[org.pk])
    r = client.post(end_url, {"ended_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "reason": "x"},
                    content_type="application/json")
    assert r.status_code == 400 and "ended_on" in r.json()
    r = client.post(end_url, end_data(tree), content_type="application/json")
    assert r.status_code == 200 and r.json()["ended_on"] == timezone.localdate().isoformat()
    assert [o["code"] for o in client.get(url, {"unit": "S1", "status": "ended"}).json()["results"]] == ["ND1"]
    r = client.patch(reverse("newdomainorg-detail", args=[org.pk]), {"name": "x"},
                     content_type="application/json")
    assert r.status_code == 400
    r = client.post(url, {**api_data("p1")(tree), "code": "ND5"}, content_type="application/json")
    assert r.status_code == 400 and "unit" in r.json()
    r = client.post(url, {**api_data("c1")(tree), "code": "ND1"}, content_type="application/json")
    assert r.status_code == 400 and "code" in r.json()
    assert not NewDomainOrg.objects.filter(code="ND5").exists()


def test_demo_ended_orgs_are_idempotent(tree):
    from org.demo.new_domain import ENDED, seed_ended_new_domain

    seed_ended_new_domain()
    codes = [row[0] for row in ENDED]
    assert NewDomainOrg.objects.filter(code__in=codes, ended_on__isnull=False).count() == len(ENDED)
    before = table_fingerprint([NewDomainOrg])
    assert seed_ended_new_domain().startswith("0 ")
    assert table_fingerprint([NewDomainOrg]) == before
    assert selectors.new_domain_counts(tree.district) == {k.value: 0 for k in NewDomainKind}
