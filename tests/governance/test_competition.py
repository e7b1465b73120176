"""党建大比武: weighted results with the highest and lowest judge dropped from five judges, publishing
by a service, grades seen by district staff and by each entrant for their own entry only, scope and
judge refusals that write nothing, and the permission matrix of every competition page."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import RoleGrant, User
from accounts.roles import Role
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import PERSONAS, Case, run_matrix_case, table_fingerprint
from governance import services as gs
from governance.choices import Grade
from governance.models import Competition, Criterion, Entry, Score
from governance.selectors import competition_list

from .conftest import build_world

pytestmark = pytest.mark.django_db
TABLES = (Competition, Criterion, Entry, Score)


def codes(exc) -> set:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


@pytest.fixture
def world(tree):
    return build_world(tree)


def _judges(tree, n):
    users = []
    for i in range(n):
        u = User.objects.create_user(f"judge{i}", password="x-Judge-2026")
        RoleGrant.objects.create(user=u, unit=tree.district, role=Role.DISTRICT_VIEWER,
                                 valid_from=timezone.localdate() - dt.timedelta(days=1))
        users.append(u)
    return users


def test_weighted_mean_of_judges(world):
    result = gs.entry_result(world.entry2)
    # judge totals (80·60+90·40)/100 = 84 and (90·60+100·40)/100 = 94
    assert sorted(result["judge_totals"].values()) == [Decimal("84.00"), Decimal("94.00")]
    assert (result["total"], result["grade"], result["trimmed"]) == (Decimal("89.00"), Grade.GOOD, False)


@pytest.mark.parametrize("n, expected, trimmed", [(4, Decimal("60.00"), False), (5, Decimal("70.00"), True)])
def test_highest_and_lowest_dropped_from_five_judges(world, tree, n, expected, trimmed):
    admin = tree.users["district"]
    judges = _judges(tree, n)
    competition = gs.competition_create(actor=admin, unit=tree.district, year=2026, round_no=2, title="第二轮",
                                        criteria=[("成效", 1, 10)], judges=judges)
    entry = gs.entry_submit(actor=tree.users["community"], competition=competition, unit=tree.c1, title="党建+四会",
                            summary="四会")
    for judge, mark in zip(judges, (3, 6, 7, 8, 10)):
        gs.score_record(actor=judge, entry=entry, values={competition.criteria.get().pk: mark})
    result = gs.entry_result(entry)
    # marks out of 10 → totals 30, 60, 70, 80 (+100): four judges (30+60+70+80)/4 = 60; five drop 30 and 100 → 70
    assert result["trimmed"] is trimmed and result["judges"] == n
    assert result["total"] == expected


def test_publish_needs_every_score_then_stores_grades_and_closes(world, tree):
    admin = tree.users["district"]
    entry1 = gs.entry_submit(actor=tree.users["community"], competition=world.competition, unit=tree.c1,
                             title="党建+四会", summary="四会")
    with pytest.raises(ValidationError) as exc:
        gs.competition_publish(actor=admin, competition=world.competition)
    assert codes(exc.value) == {"incomplete"}
    assert Competition.objects.get(pk=world.competition.pk).published_at is None
    for judge in ("leader", "other_street"):
        gs.score_record(actor=tree.users[judge], entry=entry1, values={c.pk: 95 for c in world.criteria})
    n = AuditLog.objects.count()
    gs.competition_publish(actor=admin, competition=world.competition)
    assert AuditLog.objects.count() == n + 1
    assert Competition.objects.get(pk=world.competition.pk).is_published
    assert dict(Entry.objects.values_list("pk", "grade")) == {world.entry2.pk: Grade.GOOD, entry1.pk: Grade.EXCELLENT}
    assert Entry.objects.get(pk=world.entry2.pk).total == Decimal("89.00")
    before = table_fingerprint(TABLES)
    with pytest.raises(ValidationError) as exc:
        gs.score_record(actor=tree.users["leader"], entry=entry1, values={c.pk: 10 for c in world.criteria})
    assert codes(exc.value) == {"published"}
    with pytest.raises(ValidationError):
        gs.competition_publish(actor=admin, competition=world.competition)
    assert table_fingerprint(TABLES) == before


def test_refusals_write_nothing(world, tree):
    before = table_fingerprint(TABLES)
    refusals = [
        # another community's secretary cannot enter C1; the street secretary holds no community
        lambda: gs.entry_submit(actor=tree.users["community2"], competition=world.competition, unit=tree.c1,
                                title="x", summary="x"),
        lambda: gs.entry_submit(actor=tree.users["street"], competition=world.competition, unit=tree.c1,
                                title="x", summary="x"),
        # not a judge
        lambda: gs.score_record(actor=tree.users["district"], entry=world.entry2,
                                values={c.pk: 50 for c in world.criteria}),
        # organising above one's scope, naming a judge outside one's scope, publishing without CHANGE
        lambda: gs.competition_create(actor=tree.users["street"], unit=tree.district, year=2027, title="x",
                                      criteria=[("a", 1)], judges=[tree.users["street"]]),
        lambda: gs.competition_create(actor=tree.users["street"], unit=tree.s1, year=2027, title="x",
                                      criteria=[("a", 1)], judges=[tree.users["other_street"]]),
        lambda: gs.competition_publish(actor=tree.users["leader"], competition=world.competition),
    ]
    for refuse in refusals:
        with pytest.raises(ScopeDenied):
            refuse()
    with pytest.raises(ValidationError) as exc:
        gs.entry_submit(actor=tree.users["community2"], competition=world.competition, unit=tree.c2, title="again",
                        summary="again")
    assert codes(exc.value) == {"duplicate"}
    with pytest.raises(ValidationError) as exc:
        gs.score_record(actor=tree.users["leader"], entry=world.entry2, values={world.criteria[0].pk: 61})
    assert codes(exc.value) == {"required"}
    with pytest.raises(ValidationError) as exc:
        gs.score_record(actor=tree.users["leader"], entry=world.entry2, values={c.pk: 101 for c in world.criteria})
    assert codes(exc.value) == {"out_of_range"}
    assert table_fingerprint(TABLES) == before


def test_street_may_organise_its_own_round(world, tree):
    c = gs.competition_create(actor=tree.users["street"], unit=tree.s1, year=2027, title="街道比武",
                              criteria=[("a", 1)], judges=[tree.users["community"]])
    assert set(competition_list(user=tree.users["community2"]).values_list("pk", flat=True)) == {
        world.competition.pk, c.pk}
    assert c.pk not in set(competition_list(user=tree.users["other_street"]).values_list("pk", flat=True))


def test_who_sees_which_competition(world, tree):
    seen = {p: set(competition_list(user=tree.users[p]).values_list("pk", flat=True))
            for p in ("district", "leader", "street", "community", "community2", "other_street", "norole")}
    mine = {world.competition.pk}
    assert seen == {"district": mine, "leader": mine, "street": set(), "community": mine, "community2": mine,
                    "other_street": mine, "norole": set()}


def _rows(client, tree, persona, pk):
    client.force_login(tree.users[persona])
    response = client.get(f"/governance/competitions/{pk}/")
    assert response.status_code == 200
    return response.context


def test_grades_to_staff_and_to_the_entrant_only(client, world, tree):
    entry1 = gs.entry_submit(actor=tree.users["community"], competition=world.competition, unit=tree.c1,
                             title="党建+四会", summary="四会")
    for judge in ("leader", "other_street"):
        gs.score_record(actor=tree.users[judge], entry=entry1, values={c.pk: 95 for c in world.criteria})
    pk = world.competition.pk
    # before publishing: staff see the computed results; the entrant sees its entry, no result
    staff = _rows(client, tree, "district", pk)
    assert {r["entry"].pk: r["result"]["grade"] for r in staff["rows"]} == {
        world.entry2.pk: Grade.GOOD, entry1.pk: Grade.EXCELLENT}
    entrant = _rows(client, tree, "community2", pk)
    assert [r["entry"].pk for r in entrant["rows"]] == [world.entry2.pk]
    assert "result" not in entrant["rows"][0]
    assert b'data-grade' not in client.get(f"/governance/competitions/{pk}/").content
    gs.competition_publish(actor=tree.users["district"], competition=world.competition)
    entrant = _rows(client, tree, "community2", pk)
    assert [r["entry"].pk for r in entrant["rows"]] == [world.entry2.pk]  # never the other entries
    content = client.get(f"/governance/competitions/{pk}/").content.decode()
    assert f'data-entry-id="{world.entry2.pk}"' in content and f'data-entry-id="{entry1.pk}"' not in content
    assert 'data-grade="good"' in content and 'data-grade="excellent"' not in content
    # a judge sees the entries to score, no totals
    judge = _rows(client, tree, "other_street", pk)
    assert all("result" not in r for r in judge["rows"]) and len(judge["rows"]) == 2


def test_pages_flow_and_bad_input(client, world, tree):
    client.force_login(tree.users["district"])
    bad = client.post("/governance/competitions/new/", {
        "unit": tree.district.pk, "year": 2027, "round": 1, "title": "x", "criteria": "组织建设 六十",
        "judges": [tree.users["leader"].pk]})
    assert bad.status_code == 400 and bad.context["form"].has_error("criteria", "invalid")
    ok = client.post("/governance/competitions/new/", {
        "unit": tree.district.pk, "year": 2027, "round": 1, "title": "2027年", "criteria": "组织建设 60\n治理成效 40 50",
        "judges": [tree.users["leader"].pk]})
    assert ok.status_code == 302
    c = Competition.objects.latest("id")
    assert list(c.criteria.values_list("name", "weight", "max_score")) == [("组织建设", 60, 100), ("治理成效", 40, 50)]
    client.force_login(tree.users["leader"])
    entry = world.entry2
    r = client.post(f"/governance/entries/{entry.pk}/score/", {f"c{world.criteria[0].pk}": 70})
    assert r.status_code == 400  # a criterion missing: nothing replaced
    assert Score.objects.get(entry=entry, judge=tree.users["leader"], criterion=world.criteria[0]).value == 80
    client.force_login(tree.users["district"])
    Score.objects.filter(judge=tree.users["other_street"]).delete()
    r = client.post(f"/governance/competitions/{world.competition.pk}/publish/")
    assert r.status_code == 400 and not Competition.objects.get(pk=world.competition.pk).is_published


def test_competition_pages_constant_queries(client, world, tree):
    client.force_login(tree.users["district"])
    url = f"/governance/competitions/{world.competition.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
        assert client.get("/governance/competitions/").status_code == 200
    gs.entry_submit(actor=tree.users["community"], competition=world.competition, unit=tree.c1, title="t",
                    summary="s")
    gs.competition_create(actor=tree.users["district"], unit=tree.district, year=2025, title="2025",
                          criteria=[("a", 1)], judges=[tree.users["leader"]])
    with CaptureQueriesContext(connection) as big:
        assert client.get(url).status_code == 200
        assert client.get("/governance/competitions/").status_code == 200
    assert len(big) == len(small)


def g(path):
    return lambda t: f"/governance/{path(t) if callable(path) else path}"


VIEWERS = {"district", "leader", "street", "community", "community2", "other_street"}
SEE = {"district", "leader", "community", "community2", "other_street"}
MATRIX = [
    Case("competition_list", g("competitions/"), VIEWERS),
    Case("competition_form", g("competitions/new/"), {"district", "street", "other_street"}),
    Case("competition_create", g("competitions/new/"), {"district"}, method="post", models=TABLES,
         denied_status=(400, 404),
         data=lambda t: {"unit": t.district.pk, "year": 2027, "round": 1, "title": "2027年党建大比武",
                         "criteria": "组织建设 60\n治理成效 40", "judges": [t.users["leader"].pk]}),
    Case("competition_detail", g(lambda t: f"competitions/{t.w.competition.pk}/"), SEE),
    Case("entry_submit", g(lambda t: f"competitions/{t.w.competition.pk}/enter/"), {"community"}, method="post",
         models=TABLES, denied_status=(400, 404),
         data=lambda t: {"unit": t.c1.pk, "title": "党建+四会", "summary": "居民理事会、道德评议会、治安协作会、好人协会"}),
    Case("entry_score_form", g(lambda t: f"entries/{t.w.entry2.pk}/score/"), {"leader", "other_street"}),
    Case("entry_score", g(lambda t: f"entries/{t.w.entry2.pk}/score/"), {"leader", "other_street"}, method="post",
         models=TABLES, data=lambda t: {f"c{c.pk}": 75 for c in t.w.criteria}),
    Case("competition_publish", g(lambda t: f"competitions/{t.w.competition.pk}/publish/"), {"district"},
         method="post", models=TABLES),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MATRIX, ids=[c.name for c in MATRIX])
def test_matrix(client, world, tree, persona, case):
    run_matrix_case(client, tree, persona, case)
