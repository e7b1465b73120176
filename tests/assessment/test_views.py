"""Pages and API of the assessment system: the permission matrix for every URL and method (a street
entering scores for another street's community is a 404 and writes nothing), the quota endpoint's
rows and its 400s, the records behind a computed score on the page, the export's audit row, and
constant query counts at two data sizes."""
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import services
from assessment.models import (
    IndicatorScore,
    QuotaOverride,
    RegularAssessment,
    YearClose,
    YearCloseEvent,
    YearResult,
)
from assessment.models.base import person_key, unit_key
from core.models import AuditLog
from core.testing import Case, run_matrix_case

from .conftest import Q1, YEAR, add_cadre, enter_and_complete

pytestmark = pytest.mark.django_db

SCOPED = {"district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}
WRITES = (RegularAssessment, IndicatorScore, YearResult, QuotaOverride, YearClose, YearCloseEvent)


def matrix_world(tree, world):
    """Q1 opened; C1's reviewed score entered by S1 (open, ready to complete); cadre1's quarter completed
    by C1 and reviewed, so that cadre1 scores 优秀 and C1 has one 优秀 place among its five cadres."""
    services.regular_open(period=Q1)
    w = world
    w.c1 = RegularAssessment.objects.get(scheme=w.community, assessee_key=unit_key(tree.c1.pk), period=Q1)
    services.regular_score_enter(actor=tree.users["street"], assessment=w.c1,
                                 indicator=w.community.indicators.get(code="work"), score=40, evidence="台账")
    w.cadre1 = RegularAssessment.objects.get(scheme=w.cadre, assessee_key=person_key(w.cadres[0].pk, tree.c1.pk))
    enter_and_complete(tree.users["community"], w.cadre1, score=60)
    services.year_compute(actor=w.admin, owner=tree.district, year=YEAR)
    w.result = YearResult.objects.get(scheme=w.cadre, assessee_key=w.cadre1.assessee_key)
    services.year_review_enter(actor=tree.users["community"], result=w.result, review_score=95, evidence="总结")
    services.year_compute(actor=w.admin, owner=tree.district, year=YEAR)
    w.sec_result = YearResult.objects.get(scheme=w.secretary,
                                          assessee_key=person_key(tree.users["community"].pk, tree.c1.pk))
    tree.w = w
    return w


def page(name, *args, query=""):
    return lambda t: reverse(f"assessment:{name}", args=[a(t) if callable(a) else a for a in args]) + query


def api(path):
    return lambda t: "/api/assessment/" + (path(t) if callable(path) else path)


class TestMatrix:
    matrix_cases = [
        Case("regular_list", page("regular_list"), SCOPED),
        Case("regular_detail_unit", page("regular_detail", lambda t: t.w.c1.pk), SEE_C1),
        Case("regular_detail_person", page("regular_detail", lambda t: t.w.cadre1.pk), SEE_C1),
        Case("regular_score", page("regular_score", lambda t: t.w.c1.pk), {"district", "street"}, method="post",
             data=lambda t: {"indicator": t.w.community.indicators.get(code="work").pk, "score": "45",
                             "evidence": "会议记录", "comment": ""}, models=WRITES),
        Case("regular_complete", page("regular_complete", lambda t: t.w.c1.pk), {"district", "street"},
             method="post", data=lambda t: {}, models=WRITES),
        Case("board", page("board", query=f"?year={YEAR}"), SCOPED),
        Case("board_export", page("board_export", query=f"?year={YEAR}"), SCOPED),
        Case("year_finalise", page("year_finalise"), {"district"}, method="post", data=lambda t: {"year": YEAR},
             models=WRITES),
        Case("year_reopen", page("year_reopen"), {"district"}, method="post",
             data=lambda t: {"year": YEAR, "reason": "复核"}, models=WRITES),
        Case("quota_override", page("quota_override"), {"district"}, method="post",
             data=lambda t: {"unit": "C1", "scheme": t.w.cadre.pk, "cut_points": 0, "reason": "系统故障"},
             models=WRITES),
        Case("excellent_propose", page("excellent_propose", lambda t: t.w.result.pk),
             {"district", "street", "community"}, method="post", data=lambda t: {"excellent": "1"}, models=WRITES),
        Case("result_detail", page("result_detail", lambda t: t.w.result.pk), SEE_C1),
        Case("result_review", page("result_review", lambda t: t.w.result.pk), {"district", "street", "community"},
             method="post", data=lambda t: {"review_score": "90", "evidence": "年度总结", "comment": ""},
             models=WRITES),
        Case("result_debrief", page("result_debrief", lambda t: t.w.sec_result.pk), {"district", "street"},
             method="post", data=lambda t: {"report": "述职报告", "good": 8, "fairly_good": 2, "average": 0,
                                            "poor": 0}, models=WRITES),
        Case("api_root", api(""), SCOPED | {"norole"}, api=True),
        Case("api_regular", api("regular/"), SCOPED | {"norole"}, api=True),
        Case("api_regular_detail", api(lambda t: f"regular/{t.w.c1.pk}/"), SEE_C1, api=True),
        Case("api_results", api("results/"), SCOPED | {"norole"}, api=True),
        Case("api_result_detail", api(lambda t: f"results/{t.w.result.pk}/"), SEE_C1, api=True),
        Case("api_quotas", api(f"quotas/?year={YEAR}"), SCOPED | {"norole"}, api=True),
    ]

    def test_matrix(self, client, tree, world, persona, case):
        matrix_world(tree, world)
        run_matrix_case(client, tree, persona, case)


def test_other_street_cannot_score_a_community_of_s1(client, tree, world):
    w = matrix_world(tree, world)
    client.force_login(tree.users["other_street"])
    before = IndicatorScore.objects.filter(assessment=w.c1).values_list("score", "evidence")
    before = list(before)
    response = client.post(reverse("assessment:regular_score", args=[w.c1.pk]),
                           {"indicator": w.community.indicators.get(code="work").pk, "score": "1", "evidence": "x"})
    assert response.status_code == 404
    assert list(IndicatorScore.objects.filter(assessment=w.c1).values_list("score", "evidence")) == before


def test_the_page_links_the_records_behind_a_score(client, tree, world):
    w = matrix_world(tree, world)
    client.force_login(tree.users["street"])
    response = client.get(reverse("assessment:regular_detail", args=[w.c1.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-record="supervision.case:{w.case.pk}"' in html
    assert reverse("supervision:case_detail", args=[w.case.pk]) in html


def test_bad_score_is_a_form_error(client, tree, world):
    w = matrix_world(tree, world)
    client.force_login(tree.users["street"])
    response = client.post(reverse("assessment:regular_score", args=[w.c1.pk]),
                           {"indicator": w.community.indicators.get(code="work").pk, "score": "99", "evidence": "x"})
    assert response.status_code == 400
    assert response.context["score_form"].has_error("score", "out_of_range")


def test_quota_api_rows_and_bad_input(client, tree, world):
    matrix_world(tree, world)
    client.force_login(tree.users["community"])
    rows = client.get(f"/api/assessment/quotas/?year={YEAR}").json()
    cadres = [r for r in rows if r["unit"] == "C1" and r["assessee_kind"] == "cadre"]
    assert len(cadres) == 1
    row = cadres[0]
    assert {k: row[k] for k in ("headcount", "base_pct", "lapses", "cut_points", "quota", "excellent")} == {
        "headcount": 5, "base_pct": 20, "lapses": 0, "cut_points": 0, "quota": 1, "excellent": 0}
    assert client.get("/api/assessment/quotas/").status_code == 400
    assert client.get("/api/assessment/quotas/?year=abc").status_code == 400
    assert client.get(f"/api/assessment/quotas/?year={YEAR}&unit=S2").status_code == 400  # out of scope
    assert client.get(f"/api/assessment/quotas/?year={YEAR}&unit=NOPE").status_code == 400
    client.force_login(tree.users["other_street"])
    assert not [r for r in client.get(f"/api/assessment/quotas/?year={YEAR}").json() if r["unit"] == "C1"]


def test_proposal_over_quota_is_refused_on_the_page(client, tree, world):
    w = matrix_world(tree, world)
    client.force_login(tree.users["community"])
    assert client.post(reverse("assessment:excellent_propose", args=[w.result.pk]),
                       {"excellent": "1"}).status_code == 302
    w.result.refresh_from_db()
    assert w.result.grade == "excellent"


def test_export_is_audited(client, tree, world):
    matrix_world(tree, world)
    client.force_login(tree.users["street"])
    response = client.get(reverse("assessment:board_export") + f"?year={YEAR}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert AuditLog.objects.filter(kind="export", action="assessment.results", actor=tree.users["street"]).count() == 1


def test_bad_board_filter_is_400(client, tree, world):
    client.force_login(tree.users["district"])
    assert client.get(reverse("assessment:board") + "?year=abc").status_code == 400
    assert client.get(reverse("assessment:board") + f"?year={YEAR}&unit=NOPE").status_code == 400
    assert client.get(reverse("assessment:regular_list") + "?period=2026-13").status_code == 400


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["regular_list", "board", "api_regular", "api_quotas"])
def test_constant_queries(client, tree, world, name):
    urls = {"regular_list": reverse("assessment:regular_list"), "board": reverse("assessment:board") + f"?year={YEAR}",
            "api_regular": "/api/assessment/regular/", "api_quotas": f"/api/assessment/quotas/?year={YEAR}"}
    services.regular_open(period=Q1)
    services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
    client.force_login(tree.users["district"])
    small = _count(client, urls[name])
    for n in range(6):
        add_cadre(tree, f"more{n}", tree.c2)
    services.regular_open(period=Q1)
    services.regular_open(period="2026-Q2")
    services.year_compute(actor=world.admin, owner=tree.district, year=YEAR)
    assert RegularAssessment.objects.count() > 20
    client.force_login(tree.users["district"])
    assert _count(client, urls[name]) == small


def test_api_regular_detail_has_scores_with_records(client, tree, world):
    w = matrix_world(tree, world)
    client.force_login(tree.users["street"])
    data = client.get(f"/api/assessment/regular/{w.c1.pk}/").json()
    overdue = next(s for s in data["scores"] if s["indicator"] == "overdue")
    assert overdue["records"] == [{"type": "supervision.case", "id": w.case.pk}]
    assert json.dumps(data)


def test_debrief_votes_become_a_score(client, tree, world):
    w = matrix_world(tree, world)
    client.force_login(tree.users["street"])
    response = client.post(reverse("assessment:result_debrief", args=[w.sec_result.pk]),
                           {"report": "述职", "good": 8, "fairly_good": 2, "average": 0, "poor": 0})
    assert response.status_code == 302
    services.year_compute(actor=w.admin, owner=tree.district, year=YEAR)
    w.sec_result.refresh_from_db()
    assert (w.sec_result.votes_good, w.sec_result.vote_score) == (8, 97)
    assert client.post(reverse("assessment:result_debrief", args=[w.sec_result.pk]),
                       {"report": "述职", "good": 0, "fairly_good": 0, "average": 0, "poor": 0}).status_code == 400
    assert client.get(reverse("assessment:result_detail", args=[w.sec_result.pk])).status_code == 200


def test_board_carries_the_grade_chart_data(client, tree, world):
    matrix_world(tree, world)
    client.force_login(tree.users["district"])
    response = client.get(reverse("assessment:board") + f"?year={YEAR}")
    assert response.status_code == 200
    chart = response.context["chart"]
    counted = sum(sum(s["data"]) for s in chart["series"])
    assert counted == YearResult.objects.filter(year=YEAR).count() > 0
    assert len(chart["grades"]) == len(chart["labels"]) and all(len(s["data"]) == len(chart["grades"])
                                                               for s in chart["series"])
    html = response.content.decode()
    assert 'id="grade-chart-data"' in html and "assessment/board.js" in html


def test_grade_chart_orders_grades_and_fills_gaps():
    from assessment.selectors import grade_chart

    chart = grade_chart([{"kind": "cadre", "grade": "", "count": 2}, {"kind": "cadre", "grade": "excellent", "count": 1},
                         {"kind": "community", "grade": "competent", "count": 3}])
    assert chart["grades"] == ["excellent", "competent", ""]
    assert {s["kind"]: s["data"] for s in chart["series"]} == {"community": [0, 3, 0], "cadre": [1, 0, 2]}


def test_governance_records_link_to_their_pages():
    from assessment.views import record_links

    links = record_links([{"type": "governance.meeting", "id": 5}, {"type": "governance.topic", "id": 7}])
    assert [link["url"] for link in links] == [reverse("governance:meeting_detail", args=[5]),
                                               reverse("governance:topic_detail", args=[7])]
