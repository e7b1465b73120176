"""The entry pages of the guarantee system (a term, the end of a seat, a pairing, training and its
attendance, allocations and spending, premises and renovations), the xlsx exports and the term chart:
their permission matrix (every new URL and method, refused writes into another subtree leave the tables
unchanged) and what they write."""
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from core.models import AuditLog
from core.testing import Case, run_matrix_case
from resources import selectors, services
from resources.choices import PartyPost, TrainingForm
from resources.models import (
    FundAllocation,
    FundSpending,
    Pairing,
    Premise,
    RenovationProject,
    Seat,
    Term,
    TrainingAttendance,
    TrainingSession,
)

from .conftest import ALL_PERSONAS, seat

pytestmark = pytest.mark.django_db

P = "/resources"
CHANGERS = {"district", "street", "community", "community2", "other_street"}
EDIT_C1 = {"district", "street", "community"}
SEE_C1 = {"district", "leader", "street", "community"}
TREE = {"district", "leader", "street", "community", "community2", "other_street"}
REFUSED = (400, 404)  # an invalid choice (outside the user's scope) is a form error; no scope at all is 404


def post(name, url, allowed, data, models, denied=REFUSED):
    return Case(name, url, allowed, method="post", data=data, models=models, denied_status=denied)


MATRIX = [
    Case("term_create_form", lambda t: f"{P}/terms/new/", CHANGERS),
    post("term_create", lambda t: f"{P}/terms/new/", EDIT_C1,
         lambda t: {"community": t.c1.pk, "number": 12, "elected_on": "2024-04-18"}, (Term,)),
    post("term_create_other_subtree", lambda t: f"{P}/terms/new/", {"district", "other_street"},
         lambda t: {"community": t.c3.pk, "number": 12, "elected_on": "2024-04-18"}, (Term,)),
    post("seat_end", lambda t: f"{P}/seats/{t.w.deputy.pk}/end/", EDIT_C1, lambda t: {"left_on": "2023-01-01"},
         (Seat,), denied=(404,)),
    Case("term_export", lambda t: f"{P}/terms/{t.w.term.pk}/export/", SEE_C1, ok_status=(200,)),
    Case("stats_export", lambda t: f"{P}/stats/export/", TREE, ok_status=(200,)),
    Case("stats_export_street", lambda t: f"{P}/stats/export/?unit=S1&term=11", SEE_C1 - {"community"},
         ok_status=(200,)),
    Case("pairing_create_form", lambda t: f"{P}/pairings/new/", CHANGERS),
    post("pairing_create", lambda t: f"{P}/pairings/new/", EDIT_C1,
         lambda t: {"partner": t.w.dept2.pk, "community": t.c1.pk, "starts_on": "2024-01-01"}, (Pairing,)),
    post("pairing_create_other_subtree", lambda t: f"{P}/pairings/new/", {"district", "other_street"},
         lambda t: {"partner": t.w.dept.pk, "community": t.c3.pk, "starts_on": "2024-01-01"}, (Pairing,)),
    Case("training_create_form", lambda t: f"{P}/training/new/", CHANGERS),
    post("training_create", lambda t: f"{P}/training/new/", {"district", "street"},
         lambda t: {"organiser": t.s1.pk, "topic": "专题培训", "place": "浙江大学", "form": TrainingForm.ROTATION,
                    "starts_on": "2024-05-01"}, (TrainingSession,)),
    Case("training_detail", lambda t: f"{P}/training/{t.w.s1_session.pk}/", {"district", "leader", "street"}),
    post("training_attend", lambda t: f"{P}/training/{t.w.s1_session.pk}/", {"district", "street"},
         lambda t: {"seats": [t.w.deputy.pk, t.w.seat2.pk]}, (TrainingAttendance,)),
    # a seat of another street's community cannot attend the street's session: refused for everyone
    post("training_attend_other_subtree", lambda t: f"{P}/training/{t.w.s1_session.pk}/", set(),
         lambda t: {"seats": [t.w.seat3.pk]}, (TrainingAttendance,)),
    Case("allocation_create_form", lambda t: f"{P}/funds/new/", {"district", "street", "other_street"}),
    post("allocation_create", lambda t: f"{P}/funds/new/", {"district", "street"},
         lambda t: {"community": t.c1.pk, "year": 2024, "kind": "service", "source": "finance",
                    "allocated_on": "2024-02-01", "amount_yuan": "100000"}, (FundAllocation,)),
    post("allocation_create_other_subtree", lambda t: f"{P}/funds/new/", {"district", "other_street"},
         lambda t: {"community": t.c3.pk, "year": 2024, "kind": "service", "source": "finance",
                    "allocated_on": "2024-02-01", "amount_yuan": "100000"}, (FundAllocation,)),
    Case("allocation_detail", lambda t: f"{P}/funds/{t.w.allocation.pk}/", SEE_C1),
    post("allocation_spend", lambda t: f"{P}/funds/{t.w.allocation.pk}/", EDIT_C1,
         lambda t: {"spent_on": t.w.today.isoformat(), "amount_yuan": "1200.50", "purpose": "办公用品"},
         (FundSpending,), denied=(404,)),
    Case("premise_create_form", lambda t: f"{P}/premises/new/", CHANGERS),
    post("premise_create", lambda t: f"{P}/premises/new/", EDIT_C1,
         lambda t: {"community": t.c1.pk, "name": "活动室", "kind": "venue", "area_m2": "120"}, (Premise,)),
    post("premise_create_sibling", lambda t: f"{P}/premises/new/", {"district", "street", "community2"},
         lambda t: {"community": t.c2.pk, "name": "活动室", "kind": "venue", "area_m2": "120"}, (Premise,)),
    Case("premise_detail", lambda t: f"{P}/premises/{t.w.premise.pk}/", SEE_C1),
    post("premise_renovate", lambda t: f"{P}/premises/{t.w.premise.pk}/", {"district", "street"},
         lambda t: {"kind": "renovation", "budget_yuan": "800000", "spent_yuan": "0", "started_on": "2024-03-01",
                    "added_area_m2": "0"}, (RenovationProject,), denied=(404,)),
    post("premise_renovate_other_subtree", lambda t: f"{P}/premises/{t.w.premise3.pk}/", {"district", "other_street"},
         lambda t: {"kind": "expansion", "budget_yuan": "800000", "spent_yuan": "0", "started_on": "2024-03-01",
                    "added_area_m2": "50"}, (RenovationProject,), denied=(404,)),
]


@pytest.fixture
def entry_world(tree, world):
    world.s1_session = services.training_session_create(
        actor=tree.users["district"], organiser=tree.s1, topic="街道轮训", place="苏仙岭街道党校",
        form=TrainingForm.ROTATION, starts_on=world.today)
    tree.w = world
    return world


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, entry_world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)


def _audits(action):
    return AuditLog.objects.filter(action=action).count()


def test_term_create_page_writes_the_term_through_the_service(client, tree, entry_world):
    client.force_login(tree.users["community"])
    response = client.post(f"{P}/terms/new/", {"community": tree.c1.pk, "number": 12, "elected_on": "2024-04-18"})
    term = Term.objects.get(community=tree.c1, number=12)
    assert response.status_code == 302 and response["Location"] == f"{P}/terms/{term.pk}/"
    assert term.starts_on == dt.date(2024, 4, 18)
    assert _audits("resources.term.create") == 5  # four in the world, one here
    again = client.post(f"{P}/terms/new/", {"community": tree.c1.pk, "number": 12, "elected_on": "2024-04-18"})
    assert again.status_code == 400 and Term.objects.filter(community=tree.c1, number=12).count() == 1


def test_term_create_offers_only_communities_in_change_scope(client, tree, entry_world):
    client.force_login(tree.users["street"])
    form = client.get(f"{P}/terms/new/").context["form"]
    assert set(form.fields["community"].queryset) == {tree.c1, tree.c2}


def test_seat_end_refuses_a_date_before_the_term(client, tree, entry_world):
    client.force_login(tree.users["community"])
    response = client.post(f"{P}/seats/{entry_world.deputy.pk}/end/", {"left_on": "2020-01-01"})
    assert response.status_code == 400
    assert response.context["end_form"].has_error("left_on", "before_term")
    entry_world.deputy.refresh_from_db()
    assert entry_world.deputy.left_on is None
    ok = client.post(f"{P}/seats/{entry_world.deputy.pk}/end/", {"left_on": "2023-01-01"})
    entry_world.deputy.refresh_from_db()
    assert ok.status_code == 302 and entry_world.deputy.left_on == dt.date(2023, 1, 1)


def test_pairing_partner_choices_are_the_pickable_outside_units(client, tree, entry_world):
    from org.models import OutsideUnit

    client.force_login(tree.users["community"])
    form = client.get(f"{P}/pairings/new/").context["form"]
    assert set(form.fields["partner"].queryset) == set(OutsideUnit.objects.pickable_by(tree.users["community"],
                                                                                       "change"))
    response = client.post(f"{P}/pairings/new/", {"partner": entry_world.dept2.pk, "community": tree.c1.pk,
                                                   "starts_on": "2024-01-01", "focus": "老旧小区改造"})
    pairing = Pairing.objects.get(partner=entry_world.dept2, community=tree.c1)
    assert response.status_code == 302 and pairing.focus == "老旧小区改造"


def test_attendance_picks_seated_members_of_the_organisers_area(client, tree, entry_world):
    w = entry_world
    services.seat_end(actor=tree.users["district"], seat=w.deputy, left_on=dt.date(2023, 1, 1))
    client.force_login(tree.users["street"])
    form = client.get(f"{P}/training/{w.s1_session.pk}/").context["form"]
    assert set(form.fields["seats"].queryset) == {w.secretary, w.seat2}  # not c3's, not the one who left
    response = client.post(f"{P}/training/{w.s1_session.pk}/", {"seats": [w.secretary.pk, w.seat2.pk]})
    assert response.status_code == 302
    assert set(w.s1_session.attendances.values_list("seat_id", flat=True)) == {w.secretary.pk, w.seat2.pk}
    assert _audits("resources.training_attendance.record") == 2
    # recorded ones leave the choice
    assert not client.get(f"{P}/training/{w.s1_session.pk}/").context["form"].fields["seats"].queryset.exists()


def test_training_session_created_from_the_page(client, tree, entry_world):
    client.force_login(tree.users["street"])
    response = client.post(f"{P}/training/new/", {"organiser": tree.s1.pk, "topic": "外挂锻炼", "place": "区委组织部",
                                                  "form": TrainingForm.ATTACHMENT, "starts_on": "2024-05-01"})
    session = TrainingSession.objects.get(topic="外挂锻炼")
    assert response.status_code == 302 and response["Location"] == f"{P}/training/{session.pk}/"
    assert session.organiser == tree.s1 and session.form == TrainingForm.ATTACHMENT
    assert session.ends_on == session.starts_on
    response = client.post(f"{P}/training/new/", {"organiser": tree.s1.pk, "topic": "外挂锻炼", "place": "区委组织部",
                                                  "form": TrainingForm.ATTACHMENT, "starts_on": "2024-05-01",
                                                  "ends_on": "2024-04-01"})
    assert response.status_code == 400 and TrainingSession.objects.filter(topic="外挂锻炼").count() == 1


def test_spending_over_the_allocation_is_refused(client, tree, entry_world):
    w = entry_world
    client.force_login(tree.users["community"])
    response = client.post(f"{P}/funds/{w.allocation.pk}/", {"spent_on": w.today.isoformat(),
                                                               "amount_yuan": "500000.01", "purpose": "超支"})
    assert response.status_code == 400 and response.context["form"].has_error("amount_yuan", "over_allocation")
    assert not FundSpending.objects.exists()


def test_allocation_and_renovation_from_the_pages(client, tree, entry_world):
    w = entry_world
    client.force_login(tree.users["street"])
    response = client.post(f"{P}/funds/new/", {"community": tree.c2.pk, "year": 2024, "kind": "project",
                                               "source": "finance", "allocated_on": "2024-02-01",
                                               "amount_yuan": "30000"})
    assert response.status_code == 400 and response.context["form"].errors  # project funds need a project
    response = client.post(f"{P}/funds/new/", {"community": tree.c2.pk, "year": 2024, "kind": "project",
                                               "project": "红色物业", "source": "finance",
                                               "allocated_on": "2024-02-01", "amount_yuan": "30000"})
    allocation = FundAllocation.objects.get(community=tree.c2, project="红色物业")
    assert response.status_code == 302 and str(allocation.amount_yuan) == "30000.00"
    response = client.post(f"{P}/premises/{w.premise.pk}/", {"kind": "renovation", "budget_yuan": "800000",
                                                              "spent_yuan": "0", "started_on": "2024-03-01",
                                                              "added_area_m2": "0"})
    assert response.status_code == 302 and w.premise.renovations.count() == 1
    assert _audits("resources.renovation.create") == 1


def _sheet(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                    else response.content))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_roster_export_is_audited_neutralised_and_without_id_numbers(client, tree, entry_world):
    w = entry_world
    seat(w.term, tree.users["district"], "", "member", name="=HYPERLINK(1)")
    client.force_login(tree.users["community"])
    response = client.get(f"{P}/terms/{w.term.pk}/export/")
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0] == selectors.ROSTER_EXPORT_COLUMNS and len(rows) == 1 + w.term.seats.count()
    names = [r[0] for r in rows[1:]]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names
    assert w.m1.id_number_plain not in json.dumps(rows, default=str)
    log = AuditLog.objects.get(kind=AuditLog.Kind.EXPORT, action="term_roster.export")
    assert log.actor == tree.users["community"] and log.after["rows"] == w.term.seats.count()


def test_stats_export_matches_the_page(client, tree, entry_world):
    client.force_login(tree.users["district"])
    response = client.get(f"{P}/stats/export/?term=11")
    rows = _sheet(response)
    total = selectors.term_comparison(tree.district, 11)
    assert rows[0] == selectors.STATS_EXPORT_COLUMNS
    assert rows[-1][2] == total.current.members == 4 and rows[-1][11] == total.previous.members == 2
    assert [r[0] for r in rows[1:-1]] == [tree.s1.name, tree.s2.name]
    assert rows[1][2] + rows[2][2] == rows[-1][2]
    log = AuditLog.objects.get(kind=AuditLog.Kind.EXPORT, action="term_stats.export")
    assert log.after["filters"] == {"unit": "D", "term": 11}


def test_stats_page_chart_data_come_from_the_selector(client, tree, entry_world):
    client.force_login(tree.users["district"])
    response = client.get(f"{P}/?term=11")
    html = response.content.decode()
    match = re.search(r'<script id="term-chart-data" type="application/json">(.*?)</script>', html)
    data = json.loads(match.group(1))
    assert data == selectors.term_chart_data(selectors.term_comparison(tree.district, 11))
    assert data["terms"] == [10, 11] and data["young_pct"][0] == 0.0 and data["young_pct"][1] > 0
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/resources/stats.js" in html
    assert "//cdn" not in html
    assert (Path(settings.BASE_DIR) / "static" / "resources" / "stats.js").exists()


def test_a_secretary_post_taken_shows_on_the_term_form(client, tree, entry_world):
    """The seat form of the roster still reports a service code (regression of the shared detail view)."""
    client.force_login(tree.users["community"])
    response = client.post(f"{P}/terms/{entry_world.term.pk}/", {
        "person_name": "王五", "birth_date": "1992-02-02", "gender": "M", "education": "bachelor",
        "party_post": PartyPost.SECRETARY})
    assert response.status_code == 400 and response.context["form"].has_error("party_post", "secretary_taken")
