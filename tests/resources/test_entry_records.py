"""The entry pages of the remaining guarantee-system records: the acceptance of a renovation, a revived
idle office, a shared venue of a resident unit, a cadre's career event (定向招录 among them), department
staff stationed in a street and the end of the stationing, the operating-fund standard, the end of a
pairing. Their permission matrix (every new URL and method; a community or street writing into a
sibling's or another street's subtree is refused with 404 and nothing written) and what they write."""
import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditLog
from core.testing import Case, run_matrix_case
from org.models import OutsideUnit, OutsideUnitKind
from resources import figures, services
from resources.choices import CareerEventKind, CommunityClass
from resources.models import (
    CareerEvent,
    FundStandard,
    IdleRevival,
    Pairing,
    RenovationProject,
    SharedVenue,
    StationedStaff,
)

from .conftest import ALL_PERSONAS

pytestmark = pytest.mark.django_db

P = "/resources"
CHANGERS = {"district", "street", "community", "community2", "other_street"}
EDIT_C1 = {"district", "street", "community"}
STREETS = {"district", "street", "other_street"}
S1 = {"district", "street"}
S2 = {"district", "other_street"}
TREE = {"district", "leader", "street", "community", "community2", "other_street"}


def post(name, url, allowed, data, models):
    return Case(name, url, allowed, method="post", data=data, models=models)


def revival(community):
    return lambda t: {"community": getattr(t, community).pk, "name": "原警务室", "former_use": "闲置",
                      "new_use": "党群活动室", "area_m2": "80", "revived_on": "2024-06-01"}


def venue(community):
    return lambda t: {"host": t.w.school.pk, "community": getattr(t, community).pk, "name": "学校操场",
                      "kind": "sports", "opening_terms": "周末免费开放", "starts_on": "2024-03-01"}


def stationing(street):
    return lambda t: {"department": t.w.dept.pk, "street": getattr(t, street).pk, "person_name": "李干部",
                      "post": "驻街干部", "starts_on": "2024-01-01"}


ACCEPT = {"accepted_on": "2024-06-30", "spent_yuan": "760000"}
CAREER = {"kind": CareerEventKind.CIVIL_SERVICE, "happened_on": "2024-07-01", "note": "定向招录"}

MATRIX = [
    Case("revival_create_form", lambda t: f"{P}/premises/revivals/new/", STREETS),
    post("revival_create", lambda t: f"{P}/premises/revivals/new/", S1, revival("c1"), (IdleRevival,)),
    post("revival_create_other_street", lambda t: f"{P}/premises/revivals/new/", S2, revival("c3"), (IdleRevival,)),
    Case("venue_create_form", lambda t: f"{P}/premises/venues/new/", CHANGERS),
    post("venue_create", lambda t: f"{P}/premises/venues/new/", EDIT_C1, venue("c1"), (SharedVenue,)),
    post("venue_create_sibling", lambda t: f"{P}/premises/venues/new/", {"district", "street", "community2"},
         venue("c2"), (SharedVenue,)),
    Case("renovation_accept_form", lambda t: f"{P}/renovations/{t.w.project.pk}/accept/", S1),
    post("renovation_accept", lambda t: f"{P}/renovations/{t.w.project.pk}/accept/", S1, lambda t: ACCEPT,
         (RenovationProject,)),
    post("renovation_accept_other_street", lambda t: f"{P}/renovations/{t.w.project3.pk}/accept/", S2,
         lambda t: ACCEPT, (RenovationProject,)),
    Case("cadres", lambda t: f"{P}/cadres/", TREE),
    Case("career_event_form", lambda t: f"{P}/seats/{t.w.deputy.pk}/career/", S1),
    post("career_event_create", lambda t: f"{P}/seats/{t.w.deputy.pk}/career/", S1, lambda t: CAREER,
         (CareerEvent,)),
    post("career_event_other_street", lambda t: f"{P}/seats/{t.w.seat3.pk}/career/", S2, lambda t: CAREER,
         (CareerEvent,)),
    Case("stationed_create_form", lambda t: f"{P}/stationed/new/", STREETS),
    post("stationed_create", lambda t: f"{P}/stationed/new/", S1, stationing("s1"), (StationedStaff,)),
    post("stationed_create_other_street", lambda t: f"{P}/stationed/new/", S2, stationing("s2"),
         (StationedStaff,)),
    Case("stationed_end_form", lambda t: f"{P}/stationed/{t.w.staff.pk}/end/", S1),
    post("stationed_end", lambda t: f"{P}/stationed/{t.w.staff.pk}/end/", S1, lambda t: {"ends_on": "2024-08-31"},
         (StationedStaff,)),
    post("stationed_end_other_street", lambda t: f"{P}/stationed/{t.w.staff2.pk}/end/", S2,
         lambda t: {"ends_on": "2024-08-31"}, (StationedStaff,)),
    Case("fund_standards", lambda t: f"{P}/funds/standards/", TREE),
    post("fund_standard_set", lambda t: f"{P}/funds/standards/", {"district"},
         lambda t: {"owner": t.district.pk, "year": 2024, "community_class": "urban", "amount_yuan": "500000"},
         (FundStandard,)),
    # a street (or the district itself) posting a street as the owner: not a district, refused for everyone
    post("fund_standard_set_by_street", lambda t: f"{P}/funds/standards/", set(),
         lambda t: {"owner": t.s1.pk, "year": 2024, "community_class": "urban", "amount_yuan": "500000"},
         (FundStandard,)),
    Case("pairing_end_form", lambda t: f"{P}/pairings/{t.w.pairing.pk}/end/", EDIT_C1),
    post("pairing_end", lambda t: f"{P}/pairings/{t.w.pairing.pk}/end/", EDIT_C1, lambda t: {"ends_on": "2024-05-31"},
         (Pairing,)),
    post("pairing_end_sibling", lambda t: f"{P}/pairings/{t.w.pairing2.pk}/end/", {"district", "street", "community2"},
         lambda t: {"ends_on": "2024-05-31"}, (Pairing,)),
]


@pytest.fixture
def records_world(tree, world):
    admin = tree.users["district"]
    w = world
    w.school = OutsideUnit.objects.create(kind=OutsideUnitKind.SCHOOL_HOSPITAL, code="XX1", name="苏仙区第一中学",
                                          registered_at=tree.district)
    w.s2_unit = OutsideUnit.objects.create(kind=OutsideUnitKind.ENTERPRISE, code="QY2", name="南塔某企业",
                                           registered_at=tree.s2)
    w.project = services.renovation_create(actor=admin, premise=w.premise, budget_yuan=800000,
                                           started_on=dt.date(2024, 3, 1))
    w.project3 = services.renovation_create(actor=admin, premise=w.premise3, budget_yuan=600000,
                                            started_on=dt.date(2024, 3, 1))
    w.staff2 = services.stationed_staff_create(actor=admin, department=w.dept2, street=tree.s2, person_name="赵队长",
                                               starts_on=dt.date(2021, 9, 1))
    w.pairing2 = services.pairing_create(actor=admin, partner=w.dept2, community=tree.c2,
                                         starts_on=dt.date(2021, 6, 1))
    tree.w = w
    return w


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, records_world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)


def _audits(action):
    return AuditLog.objects.filter(action=f"resources.{action}").count()


def test_renovation_acceptance_from_the_page(client, tree, records_world):
    w = records_world
    client.force_login(tree.users["street"])
    detail = client.get(f"{P}/premises/{w.premise.pk}/")
    assert detail.context["may_accept"] is True
    future = (w.today + dt.timedelta(days=3)).isoformat()
    response = client.post(f"{P}/renovations/{w.project.pk}/accept/", {"accepted_on": future, "spent_yuan": "1"})
    assert response.status_code == 400 and response.context["form"].has_error("accepted_on", "future")
    response = client.post(f"{P}/renovations/{w.project.pk}/accept/", {"accepted_on": "2024-02-01",
                                                                       "spent_yuan": "1"})
    assert response.status_code == 400 and response.context["form"].has_error("accepted_on", "before_start")
    response = client.post(f"{P}/renovations/{w.project.pk}/accept/", ACCEPT)
    assert response.status_code == 302 and response["Location"] == f"{P}/premises/{w.premise.pk}/"
    w.project.refresh_from_db()
    assert w.project.accepted_on == dt.date(2024, 6, 30) and w.project.spent_yuan == Decimal("760000.00")
    again = client.post(f"{P}/renovations/{w.project.pk}/accept/", {"accepted_on": "2024-07-01", "spent_yuan": "1"})
    assert again.status_code == 400 and again.context["form"].has_error("accepted_on", "already_accepted")
    w.project.refresh_from_db()
    assert w.project.spent_yuan == Decimal("760000.00") and _audits("renovation.accept") == 1
    out = figures.compute(tree.s1, 2024)
    assert out["resources.renovation_funds_yuan"] == 760000 and out["resources.renovated_offices"] == 1
    # the community sees its premises but does not accept (the street does): no link, the page is a 404
    client.force_login(tree.users["community"])
    assert client.get(f"{P}/premises/{w.premise.pk}/").context["may_accept"] is False


def test_revived_office_counts_in_the_figures(client, tree, records_world):
    client.force_login(tree.users["street"])
    before = figures.compute(tree.s1, 2024)["resources.revived_offices"]
    response = client.post(f"{P}/premises/revivals/new/", revival("c2")(tree))
    assert response.status_code == 302
    row = IdleRevival.objects.get()
    assert row.community == tree.c2 and row.area_m2 == Decimal("80.0") and row.new_use == "党群活动室"
    out = figures.compute(tree.s1, 2024)
    assert out["resources.revived_offices"] == before + 1 and out["resources.revived_area_m2"] == 80
    assert _audits("idle_revival.create") == 1
    bad = client.post(f"{P}/premises/revivals/new/", {**revival("c2")(tree), "revived_on": "1999-12-31"})
    assert bad.status_code == 400 and bad.context["form"].has_error("revived_on", "too_early")
    assert IdleRevival.objects.count() == 1


def test_shared_venue_picks_a_registered_unit(client, tree, records_world):
    w = records_world
    client.force_login(tree.users["community"])
    form = client.get(f"{P}/premises/venues/new/").context["form"]
    hosts = set(form.fields["host"].queryset)
    assert w.school in hosts and w.s2_unit not in hosts  # another street's local unit is not pickable
    assert set(form.fields["community"].queryset) == {tree.c1}
    refused = client.post(f"{P}/premises/venues/new/", {**venue("c1")(tree), "host": w.s2_unit.pk})
    assert refused.status_code == 400 and refused.context["form"].has_error("host", "invalid_choice")
    backwards = client.post(f"{P}/premises/venues/new/", {**venue("c1")(tree), "ends_on": "2024-01-01"})
    assert backwards.status_code == 400 and backwards.context["form"].has_error("ends_on", "before_start")
    assert not SharedVenue.objects.exists()
    response = client.post(f"{P}/premises/venues/new/", {**venue("c1")(tree), "area_m2": "3000"})
    row = SharedVenue.objects.get()
    assert response.status_code == 302 and row.host == w.school and row.community == tree.c1
    assert row.area_m2 == Decimal("3000.0") and row.opening_terms == "周末免费开放"
    listed = client.get(f"{P}/premises/").context["venues"]
    assert [v.pk for v in listed] == [row.pk]


def test_directed_recruitment_from_the_roster(client, tree, records_world):
    w = records_world
    client.force_login(tree.users["street"])
    roster = client.get(f"{P}/terms/{w.term.pk}/")
    assert roster.context["can_record_career"] is True
    early = client.post(f"{P}/seats/{w.deputy.pk}/career/", {**CAREER, "happened_on": "2020-01-01"})
    assert early.status_code == 400 and early.context["form"].has_error("happened_on", "before_term")
    response = client.post(f"{P}/seats/{w.deputy.pk}/career/", CAREER)
    assert response.status_code == 302
    event = CareerEvent.objects.get()
    assert event.seat == w.deputy and event.kind == CareerEventKind.CIVIL_SERVICE
    assert figures.compute(tree.district, 2024)["resources.cadres_to_civil_service"] == 1
    page = client.get(f"{P}/cadres/", {"kind": "civil_service"})
    assert page.context["totals"] == {"n": 1, "civil": 1}
    assert client.get(f"{P}/cadres/", {"kind": "nonsense"}).status_code == 400
    client.force_login(tree.users["community"])  # the community sees the roster, the street records careers
    assert client.get(f"{P}/terms/{w.term.pk}/").context["can_record_career"] is False


def test_stationed_staff_member_picked_by_mobile(client, tree, records_world):
    w = records_world
    client.force_login(tree.users["street"])
    form = client.get(f"{P}/stationed/new/").context["form"]
    assert set(form.fields["street"].queryset) == {tree.s1}
    assert w.school not in set(form.fields["department"].queryset)  # only district departments
    data = {**stationing("s1")(tree), "person_name": "", "lookup": "13800000001"}
    response = client.post(f"{P}/stationed/new/", data)
    assert response.status_code == 302
    staff = StationedStaff.objects.get(member=w.m1)
    assert staff.person_name == w.m1.name and staff.street == tree.s1 and staff.department == w.dept
    unknown = client.post(f"{P}/stationed/new/", {**data, "lookup": "13800009999"})
    assert unknown.status_code == 400 and unknown.context["form"].has_error("lookup")
    nameless = client.post(f"{P}/stationed/new/", {**data, "lookup": ""})
    assert nameless.status_code == 400 and nameless.context["form"].has_error("person_name", "required")
    assert StationedStaff.objects.filter(street=tree.s1).count() == 2  # the world's and this one


def test_stationing_ended_and_seen_by_the_liaison(client, tree, records_world):
    w = records_world
    client.force_login(tree.users["liaison"])
    listed = client.get(f"{P}/stationed/")
    assert {s.pk for s in listed.context["page"].object_list} == {w.staff.pk}  # the department's only
    assert listed.context["can_add"] is False and not listed.context["may_end"]
    client.force_login(tree.users["street"])
    assert client.get(f"{P}/stationed/").context["may_end"] == {w.staff.pk}
    bad = client.post(f"{P}/stationed/{w.staff.pk}/end/", {"ends_on": "2020-01-01"})
    assert bad.status_code == 400 and bad.context["form"].has_error("ends_on", "before_start")
    assert client.post(f"{P}/stationed/{w.staff.pk}/end/", {"ends_on": "2024-08-31"}).status_code == 302
    w.staff.refresh_from_db()
    assert w.staff.ends_on == dt.date(2024, 8, 31)
    again = client.post(f"{P}/stationed/{w.staff.pk}/end/", {"ends_on": "2024-09-30"})
    assert again.status_code == 400 and again.context["form"].has_error("ends_on", "already_ended")
    assert _audits("stationed_staff.end") == 1


def test_fund_standard_set_and_changed(client, tree, records_world):
    client.force_login(tree.users["district"])
    data = {"owner": tree.district.pk, "year": 2024, "community_class": CommunityClass.URBAN,
            "amount_yuan": "450000"}
    assert client.post(f"{P}/funds/standards/", data).status_code == 302
    assert client.post(f"{P}/funds/standards/", {**data, "amount_yuan": "500000"}).status_code == 302
    row = FundStandard.objects.get()
    assert row.owner == tree.district and row.amount_yuan == Decimal("500000.00")
    assert _audits("fund_standard.set") == 2
    log = AuditLog.objects.filter(action="resources.fund_standard.set").order_by("pk").last()
    assert log.before["amount_yuan"] == "450000.00"
    zero = client.post(f"{P}/funds/standards/", {**data, "amount_yuan": "0"})
    assert zero.status_code == 400 and zero.context["form"].has_error("amount_yuan", "not_positive")
    page = client.get(f"{P}/funds/standards/")
    assert [s.pk for s in page.context["standards"]] == [row.pk]
    summary = client.get(f"{P}/funds/", {"year": records_world.today.year}).context["summary"]
    assert summary["communities"] == 1
    client.force_login(tree.users["street"])  # a street sees no district standard and sets none
    page = client.get(f"{P}/funds/standards/")
    assert page.status_code == 200 and page.context["form"] is None and page.context["standards"] == []


def test_fund_standard_service_refuses_a_street_owner(tree, records_world):
    from django.core.exceptions import ValidationError

    from resources.services.committees import validation_codes

    with pytest.raises(ValidationError) as exc:
        services.fund_standard_set(actor=tree.users["district"], owner=tree.s1, year=2024,
                                   community_class=CommunityClass.URBAN, amount_yuan=1)
    assert validation_codes(exc.value) == {"not_district"} and not FundStandard.objects.exists()


def test_pairing_ended_from_the_page(client, tree, records_world):
    w = records_world
    client.force_login(tree.users["community"])
    assert client.get(f"{P}/pairings/{w.pairing.pk}/").context["may_end"] is True
    before = client.post(f"{P}/pairings/{w.pairing.pk}/end/", {"ends_on": "2021-01-01"})
    assert before.status_code == 400 and before.context["form"].has_error("ends_on", "before_start")
    assert client.post(f"{P}/pairings/{w.pairing.pk}/end/", {"ends_on": "2024-05-31"}).status_code == 302
    w.pairing.refresh_from_db()
    assert w.pairing.ends_on == dt.date(2024, 5, 31)
    detail = client.get(f"{P}/pairings/{w.pairing.pk}/")
    assert detail.context["may_end"] is False and detail.context["difficulty_form"] is None
    again = client.post(f"{P}/pairings/{w.pairing.pk}/end/", {"ends_on": "2024-06-30"})
    assert again.status_code == 400 and again.context["form"].has_error("ends_on", "already_ended")
    assert _audits("pairing.end") == 1
    client.force_login(tree.users["liaison"])  # the partner's liaison sees the pairing, does not end it
    assert client.get(f"{P}/pairings/{w.pairing.pk}/").context["may_end"] is False


def test_api_trainings_filter_by_unit(client, tree, records_world):
    admin = tree.users["district"]
    s1_session = services.training_session_create(actor=admin, organiser=tree.s1, topic="街道轮训", place="党校",
                                                  form="rotation", starts_on=records_world.today)
    client.force_login(admin)
    rows = client.get("/api/resources/trainings/", {"unit": "S1"}).json()["results"]
    assert [r["id"] for r in rows] == [s1_session.pk]
    assert len(client.get("/api/resources/trainings/").json()["results"]) == 2
    assert client.get("/api/resources/trainings/", {"unit": "C3"}).json()["results"] == []
    assert client.get("/api/resources/trainings/", {"unit": "NOPE"}).status_code == 400
