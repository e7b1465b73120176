"""Permission matrix of every page and API endpoint of the guarantee system (with a department liaison):
out of scope is 404 like a missing id, a refused write leaves the tables unchanged (a community editing
its sibling's roster included)."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing import Case, run_matrix_case
from resources.models import PairingDifficulty, Seat, SupportRecord, Term
from supervision.models import Case as CaseModel

from .conftest import ALL_PERSONAS

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street", "liaison"}
TREE = {"district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
EDIT_C1 = {"district", "street", "community"}
DISTRICT = {"district", "leader"}
P = "/resources"
API = "/api/resources"

ROSTER_CSV = "姓名,身份证号,手机号,出生日期,性别,学历,党组织职务,居委会职务\n李四,,,1990-01-01,女,本科,,委员\n"


def roster_file(t):
    return {"file": SimpleUploadedFile("roster.csv", ROSTER_CSV.encode("utf-8"), content_type="text/csv"),
            "confirm": "on"}


MATRIX = [
    Case("home", lambda t: f"{P}/", TREE),
    Case("home_street_unit", lambda t: f"{P}/?unit=S1", SEE_C1 - {"community"}),
    Case("term_list", lambda t: f"{P}/terms/", TREE),
    Case("term_detail", lambda t: f"{P}/terms/{t.w.term.pk}/", SEE_C1),
    Case("term_seat_add", lambda t: f"{P}/terms/{t.w.term.pk}/", EDIT_C1, method="post",
         data=lambda t: {"person_name": "王五", "birth_date": "1992-02-02", "gender": "M", "education": "college",
                         "residents_post": "member"}, models=(Seat,)),
    Case("term_seat_add_member", lambda t: f"{P}/terms/{t.w.term.pk}/", EDIT_C1, method="post",
         data=lambda t: {"lookup": t.w.m_extra_id, "party_post": "member"}, models=(Seat,)),
    Case("seat_import_form", lambda t: f"{P}/terms/{t.w.term.pk}/import/", EDIT_C1),
    Case("seat_import", lambda t: f"{P}/terms/{t.w.term.pk}/import/", EDIT_C1, method="post", data=roster_file,
         models=(Seat,)),
    Case("pairing_list", lambda t: f"{P}/pairings/", TREE | {"liaison"}),
    Case("pairing_detail", lambda t: f"{P}/pairings/{t.w.pairing.pk}/", SEE_C1 | {"liaison"}),
    Case("pairing_support", lambda t: f"{P}/pairings/{t.w.pairing.pk}/", EDIT_C1 | {"liaison"}, method="post",
         data=lambda t: {"form": "support", "kind": "project", "given_on": "2023-05-01", "description": "项目",
                         "amount_yuan": "1000"}, models=(SupportRecord,)),
    Case("pairing_difficulty", lambda t: f"{P}/pairings/{t.w.pairing.pk}/", EDIT_C1, method="post",
         data=lambda t: {"form": "difficulty", "title": "下水道", "description": "堵塞", "category": "other"},
         models=(PairingDifficulty, CaseModel)),
    Case("funds", lambda t: f"{P}/funds/", TREE),
    Case("premises", lambda t: f"{P}/premises/", TREE),
    Case("training", lambda t: f"{P}/training/", TREE),
    Case("stationed", lambda t: f"{P}/stationed/", TREE | {"liaison"}),
    # API
    Case("api_root", lambda t: f"{API}/", LOGGED_IN, api=True, ok_status=(200,)),
    Case("api_terms", lambda t: f"{API}/terms/", LOGGED_IN, api=True),
    Case("api_term", lambda t: f"{API}/terms/{t.w.term.pk}/", SEE_C1, api=True),
    Case("api_term_create", lambda t: f"{API}/terms/", EDIT_C1, method="post", api=True,
         data=lambda t: {"community": t.c1.pk, "number": 12, "elected_on": "2026-04-18"}, models=(Term,)),
    Case("api_seats", lambda t: f"{API}/seats/", LOGGED_IN, api=True),
    Case("api_seat", lambda t: f"{API}/seats/{t.w.deputy.pk}/", SEE_C1, api=True),
    Case("api_seat_create", lambda t: f"{API}/seats/", EDIT_C1, method="post", api=True,
         data=lambda t: {"term": t.w.term.pk, "person_name": "赵六", "birth_date": "1991-01-01", "gender": "F",
                         "education": "bachelor", "residents_post": "member"}, models=(Seat,)),
    Case("api_seat_patch", lambda t: f"{API}/seats/{t.w.deputy.pk}/", EDIT_C1, method="patch", api=True,
         data=lambda t: {"residents_post": "deputy"}, models=(Seat,)),
    Case("api_trainings", lambda t: f"{API}/trainings/", LOGGED_IN, api=True),
    Case("api_training", lambda t: f"{API}/trainings/{t.w.session.pk}/", DISTRICT, api=True),
    Case("api_funds", lambda t: f"{API}/funds/", LOGGED_IN, api=True),
    Case("api_fund", lambda t: f"{API}/funds/{t.w.allocation.pk}/", SEE_C1, api=True),
    Case("api_premises", lambda t: f"{API}/premises/", LOGGED_IN, api=True),
    Case("api_premise", lambda t: f"{API}/premises/{t.w.premise.pk}/", SEE_C1, api=True),
    Case("api_pairings", lambda t: f"{API}/pairings/", LOGGED_IN, api=True),
    Case("api_pairing", lambda t: f"{API}/pairings/{t.w.pairing.pk}/", SEE_C1 | {"liaison"}, api=True),
]


@pytest.fixture
def matrix_world(tree, world):
    from .conftest import make_member

    extra = make_member(tree, tree.p1, 77)
    world.m_extra_id = extra.id_number_plain
    tree.w = world
    return world


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, matrix_world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)
