"""The cockpit page: the user's scope, every key of compute_figures grouped by its system, last year and
the change, the drill-down and its breadcrumbs, links to the filtered lists, the charts' JSON."""
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from cockpit.labels import SYSTEM_KEYS
from core.figures import compute_figures

from .conftest import YEAR, add_work

pytestmark = pytest.mark.django_db
URL = reverse("cockpit:cockpit")
CHILDREN = reverse("cockpit:children")


def keys_on(html: str) -> dict:
    return dict(re.findall(r'data-key="([^"]+)" data-value="([^"]*)"', html))


def test_district_sees_every_key_grouped(client, work):
    client.force_login(work.users["district"])
    response = client.get(f"{URL}?year={YEAR}")
    assert response.status_code == 200 and response.context["unit"].code == "D"
    figures = compute_figures(work.district, YEAR)
    shown = [row["key"] for s in response.context["sections"] for row in s["rows"]]
    assert sorted(shown) == sorted(figures)
    for section in response.context["sections"]:
        assert section["system"] in SYSTEM_KEYS
        assert all(row["key"].startswith(section["system"] + ".") for row in section["rows"])
    html = response.content.decode()
    assert keys_on(html)["supervision.cases_resolved"] == str(figures["supervision.cases_resolved"])
    order = [s["system"] for s in response.context["sections"]]
    assert order == [s for s in SYSTEM_KEYS if s in order]


def test_every_key_has_a_label(work):
    """A key without a label shows as its raw key: every computed key is named in cockpit.labels."""
    from cockpit.labels import LABELS

    assert sorted(set(compute_figures(work.district, YEAR)) - set(LABELS)) == []


def test_previous_year_and_change(client, work):
    client.force_login(work.users["district"])
    rows = {r["key"]: r for s in client.get(f"{URL}?year={YEAR}").context["sections"] for r in s["rows"]}
    assert rows["supervision.cases_resolved"]["previous"] == compute_figures(work.district, YEAR - 1)[
        "supervision.cases_resolved"] == 0
    assert rows["supervision.cases_resolved"]["change"] == 1


def test_new_keys_appear_without_editing_the_cockpit(client, tree, monkeypatch):
    import core.figures

    real = core.figures.figure_functions
    monkeypatch.setattr(core.figures, "figure_functions",
                        lambda: [*real(), lambda unit, year: {"resources.brand_new": 7, "zzz.other": 1}])
    client.force_login(tree.users["district"])
    response = client.get(URL)
    rows = {r["key"]: (s["system"], r["label"]) for s in response.context["sections"] for r in s["rows"]}
    assert rows["resources.brand_new"] == ("resources", "resources.brand_new")  # no label: the key
    assert rows["zzz.other"][0] == "other"


def test_street_and_community_get_their_own_unit(client, tree):
    client.force_login(tree.users["street"])
    assert client.get(URL).context["unit"].code == "S1"
    client.force_login(tree.users["community"])
    response = client.get(URL)
    assert response.context["unit"].code == "C1" and not response.context["has_children"]


def test_drill_down_and_breadcrumbs(client, work):
    client.force_login(work.users["district"])
    top = client.get(URL)
    assert top.context["has_children"] and f'hx-get="{CHILDREN}?unit=D' in top.content.decode()
    table = client.get(f"{CHILDREN}?unit=D&year={YEAR}")
    assert [r["unit"].code for r in table.context["child_rows"]] == ["S1", "S2"]
    assert 'data-drill="S1"' in table.content.decode()
    street = client.get(f"{CHILDREN}?unit=S1&year={YEAR}")
    assert [r["unit"].code for r in street.context["child_rows"]] == ["C1", "C2"]
    assert [u.code for u in client.get(f"{URL}?unit=S1&year={YEAR}").context["crumbs"]] == ["D", "S1"]
    community = client.get(f"{URL}?unit=C1&year={YEAR}")
    assert [u.code for u in community.context["crumbs"]] == ["D", "S1", "C1"]
    assert not community.context["has_children"]
    assert client.get(f"{CHILDREN}?unit=C1").context["child_rows"] == []
    # A street secretary's breadcrumbs start at their street: nothing above their scope.
    client.force_login(work.users["street"])
    assert [u.code for u in client.get(f"{URL}?unit=C1").context["crumbs"]] == ["S1", "C1"]
    assert client.get(f"{CHILDREN}?unit=D").status_code == 404


def test_child_figures_are_the_figures_command(client, work):
    client.force_login(work.users["district"])
    response = client.get(f"{CHILDREN}?year={YEAR}")
    parent = compute_figures(work.district, YEAR)
    for row in response.context["child_rows"]:
        full = compute_figures(row["unit"], YEAR)
        assert row["figures"] == {k: v for k, v in full.items() if k.split(".")[0] in ("org", "supervision")}
    for key in ("org.communities", "supervision.cases_resolved"):
        assert sum(r["figures"][key] for r in response.context["child_rows"]) == parent[key]
    assert [r["code"] for r in response.context["members"]] == ["S1", "S2"]


def test_numbers_link_to_their_filtered_lists(client, work):
    client.force_login(work.users["district"])
    rows = {r["key"]: r for s in client.get(f"{URL}?unit=S1&year={YEAR}").context["sections"] for r in s["rows"]}
    link = rows["supervision.cases_resolved"]["link"]
    assert resolve(link.split("?")[0]).view_name == "supervision:case_list" and "unit=S1" in link
    assert resolve(rows["org.urban_members"]["link"].split("?")[0]).view_name == "org:member_list"
    for key in ("supervision.cases_resolved", "org.urban_members", "org.dual_registered_retired"):
        assert client.get(rows[key]["link"]).status_code == 200


def test_charts_json(client, work):
    client.force_login(work.users["district"])
    response = client.get(f"{URL}?year={YEAR}")
    html = response.content.decode()
    data = json.loads(re.search(r'<script id="cockpit-charts" type="application/json">(.*?)</script>', html, re.S)[1])
    figures = compute_figures(work.district, YEAR)
    assert {r["level"]: r["units"] for r in data["tree"]}  # the tree by level
    assert [r["units"] for r in data["tree"]] == [figures[k] for k in
                                                  ("org.streets", "org.communities", "org.compounds", "org.buildings")]
    assert data["cases"]["series"]["resolved"][3] == 1
    assert [(r["code"], r["visits"]) for r in data["visits"]] == [("S1", 1), ("S2", 1)]
    assert '/static/vendor/echarts/echarts.min.js' in html and "cdn" not in html.lower()


def test_bad_year_is_a_form_error_not_a_500(client, tree):
    client.force_login(tree.users["district"])
    response = client.get(f"{URL}?year=abc")
    assert response.status_code == 200 and response.context["form"].has_error("year")
    assert client.get(f"{URL}?unit=NOPE").status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [f"{URL}?year={YEAR}", f"{URL}?unit=S1&year={YEAR}", f"{URL}?unit=C1&year={YEAR}",
                                 f"{CHILDREN}?year={YEAR}", f"{CHILDREN}?unit=S1&year={YEAR}",
                                 f"/api/figures/?year={YEAR}",
                                 f"/api/figures/series/?key=supervision.cases_by_state&year={YEAR}"])
def test_query_count_does_not_grow_with_the_data(client, tree, url):
    client.force_login(tree.users["district"])
    add_work(tree, 1)
    _count(client, url)  # warm the per-process caches (content types, sessions)
    small = _count(client, url)
    add_work(tree, 6)
    assert _count(client, url) == small
