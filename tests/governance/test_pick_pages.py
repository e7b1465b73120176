"""Create pages for committee seats and instructor postings: a party member is picked by ID number or
mobile within scope (never retyped, never found outside scope); the permission matrix of every page."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import PERSONAS, Case, run_matrix_case, table_fingerprint
from governance import services as gs
from governance.choices import PostingRole, SeatRole
from governance.models import Committee, CommitteeSeat, Posting

from .conftest import DAY, build_world, make_id

pytestmark = pytest.mark.django_db
TABLES = (Committee, CommitteeSeat, Posting)
VIEWERS = {"district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
WRITE_C1 = {"district", "street", "community"}


@pytest.fixture
def world(tree):
    return build_world(tree)


def g(path):
    return lambda t: f"/governance/{path(t) if callable(path) else path}"


MATRIX = [
    Case("committee_list", g("committees/"), VIEWERS),
    Case("committee_list_export", g("committees/?export=xlsx"), VIEWERS),
    Case("committee_detail", g(lambda t: f"committees/{t.w.committee.pk}/"), SEE_C1),
    Case("seat_add", g(lambda t: f"committees/{t.w.committee.pk}/seats/"), WRITE_C1, method="post", models=TABLES,
         data=lambda t: {"role": SeatRole.MEMBER, "member": "13800000002"}),
    Case("posting_form", g("postings/new/"), {"district", "street", "community", "community2", "other_street"}),
    # into C1's social organisation: others cannot pick C1 or its organisation (400) or have no page (404)
    Case("posting_create", g("postings/new/"), WRITE_C1, method="post", models=TABLES, denied_status=(400, 404),
         data=lambda t: {"unit": t.c1.pk, "role": PostingRole.LIAISON, "member": "13800000002",
                         "social_org": t.w.social.pk, "started_on": "2026-03-01"}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)


def test_seat_member_found_by_id_number_not_retyped(client, world, tree):
    client.force_login(tree.users["community"])
    url = f"/governance/committees/{world.committee.pk}/seats/"
    assert client.post(url, {"role": SeatRole.VICE_CHAIR, "member": make_id(3)}).status_code == 302
    seat = CommitteeSeat.objects.latest("id")
    assert (seat.member_id, seat.person_name) == (world.member_b.pk, world.member_b.name)
    before = table_fingerprint(TABLES)
    # a member of another street (P3) is not found from C1; an unknown number neither; nothing written
    for text in ("13800000003", make_id(2), "13999999999", "abc"):
        r = client.post(url, {"role": SeatRole.MEMBER, "member": text})
        assert r.status_code == 400 and r.context["form"].has_error("member", "member_not_found")
    r = client.post(url, {"role": SeatRole.MEMBER})  # neither a member nor a name
    assert r.status_code == 400 and r.context["form"].has_error("person_name", "required")
    r = client.post(url, {"role": SeatRole.MEMBER, "member": make_id(3)})  # already seated
    assert r.status_code == 400 and r.context["form"].has_error("member", "seated")
    assert table_fingerprint(TABLES) == before
    assert client.post(url, {"role": SeatRole.MEMBER, "person_name": "钱居民"}).status_code == 302
    assert CommitteeSeat.objects.latest("id").member_id is None


def test_posting_page(client, world, tree):
    from org.models import OutsideUnit, OutsideUnitKind

    client.force_login(tree.users["community"])
    before = table_fingerprint(TABLES)
    # into another subtree's organisation: not a choice → form error, nothing written
    r = client.post("/governance/postings/new/", {"unit": tree.c1.pk, "role": PostingRole.INSTRUCTOR,
                                                  "member": "13800000002", "social_org": world.social3.pk,
                                                  "started_on": "2026-03-01"})
    assert r.status_code == 400 and r.context["form"].has_error("social_org")
    # an outside cadre needs a name and a home unit
    r = client.post("/governance/postings/new/", {"unit": tree.c1.pk, "role": PostingRole.INSTRUCTOR,
                                                  "person_name": "外派干部", "social_org": world.social.pk,
                                                  "started_on": "2026-03-01"})
    assert r.status_code == 400 and r.context["form"].has_error("member", "required")
    assert table_fingerprint(TABLES) == before
    home = OutsideUnit.objects.create(kind=OutsideUnitKind.PROPERTY_COMPANY, code="HU1", name="区直某局",
                                      registered_at=tree.c1)
    r = client.post("/governance/postings/new/", {"unit": tree.c1.pk, "role": PostingRole.INSTRUCTOR,
                                                  "person_name": "外派干部", "home_unit": home.pk,
                                                  "social_org": world.social.pk, "started_on": "2026-03-01"})
    assert r.status_code == 302
    p = Posting.objects.latest("id")
    assert (p.member_id, p.person_name, p.home_unit_id) == (None, "外派干部", home.pk)
    r = client.post("/governance/postings/new/", {"unit": tree.c1.pk, "role": PostingRole.LIAISON,
                                                  "member": make_id(1), "new_domain_org": world.party_org.pk,
                                                  "started_on": "2026-03-01"})
    assert r.status_code == 302
    p = Posting.objects.latest("id")
    assert (p.member_id, p.person_name, p.new_domain_org_id) == (world.member.pk, world.member.name, world.party_org.pk)


def test_committee_list_constant_queries(client, world, tree):
    client.force_login(tree.users["street"])
    client.get("/governance/committees/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/governance/committees/").status_code == 200
    admin = tree.users["district"]
    for i in range(6):
        start = DAY.replace(year=2000 + 2 * i)  # successive, non-overlapping terms
        c = gs.committee_create(actor=admin, unit=tree.p2, kind="owners", name=f"业委会{i}", elected_on=start,
                                term_start=start, term_end=start.replace(year=2001 + 2 * i))
        gs.committee_seat_add(actor=admin, committee=c, role=SeatRole.MEMBER, person_name="x")
    with CaptureQueriesContext(connection) as big:
        assert client.get("/governance/committees/").status_code == 200
    assert len(big) == len(small)
