"""The organisation browser: permission matrix, behaviour of each view, constant query counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint
from org import services
from org.choices import PartyOrgType, UnitKind
from org.models import OrgUnit

pytestmark = pytest.mark.django_db

LOGGED_IN = {"norole", "district", "leader", "street", "community", "community2", "other_street"}
SEE_C1 = {"district", "leader", "street", "community"}  # VIEW scope covering C1 and below
CHANGE_C1 = {"district", "street", "community"}  # CHANGE / MOVE scope covering C1 and below
HTMX = {"HX-Request": "true"}


def url(name, *args):
    return lambda t: reverse(f"org:{name}", args=[a(t) if callable(a) else a for a in args])


def pk(attr):
    return lambda t: getattr(t, attr).pk


def new_compound(parent_attr, code="P9"):
    return lambda t: {"code": code, "name": "新建小区", "kind": UnitKind.COMPOUND, "party_org_type": ""}


def edit_data(t):
    return {"code": "C1", "name": "爱莲湖社区（改）", "kind": UnitKind.COMMUNITY,
            "party_org_type": PartyOrgType.GENERAL_BRANCH, "households": "1200"}


class TestOrgViewMatrix:
    matrix_cases = [
        Case("tree", lambda t: reverse("org:orgunit_tree"), LOGGED_IN),
        Case("search", lambda t: reverse("org:orgunit_search") + "?q=社区", LOGGED_IN),
        Case("search_htmx", lambda t: reverse("org:orgunit_search") + "?q=社区", LOGGED_IN, headers=HTMX),
        Case("children_page_c1", url("orgunit_children", pk("c1")), SEE_C1),
        Case("children_partial_c1", url("orgunit_children", pk("c1")), SEE_C1, headers=HTMX),
        Case("children_partial_s2", url("orgunit_children", pk("s2")), {"district", "leader", "other_street"},
             headers=HTMX),
        Case("detail_c1", url("orgunit_detail", pk("c1")), SEE_C1),
        Case("detail_b1", url("orgunit_detail", pk("b1")), SEE_C1),
        Case("detail_district", url("orgunit_detail", pk("district")), {"district", "leader"}),
        Case("detail_c2", url("orgunit_detail", pk("c2")), {"district", "leader", "street", "community2"}),
        Case("create_form_c1", url("orgunit_create", pk("c1")), CHANGE_C1),
        Case("create_c1", url("orgunit_create", pk("c1")), CHANGE_C1, method="post", data=new_compound("c1"),
             ok_status=(302,)),
        Case("create_c2", url("orgunit_create", pk("c2")), {"district", "street", "community2"}, method="post",
             data=new_compound("c2"), ok_status=(302,)),
        Case("create_s2", url("orgunit_create", pk("s2")), {"district", "other_street"}, method="post",
             data=lambda t: {"code": "C9", "name": "新社区", "kind": UnitKind.COMMUNITY}, ok_status=(302,)),
        Case("update_form_c1", url("orgunit_update", pk("c1")), CHANGE_C1),
        Case("update_c1", url("orgunit_update", pk("c1")), CHANGE_C1, method="post", data=edit_data,
             ok_status=(302,)),
        Case("move_form_p1", url("orgunit_move", pk("p1")), CHANGE_C1),
        # C1's compound into C2's subtree: only who may MOVE in both C1 and C2 (the community secretary
        # of C1 gets a 404 for C2, the one of C2 a 404 for P1) — and nothing is written.
        Case("move_p1_to_c2", url("orgunit_move", pk("p1")), {"district", "street"}, method="post",
             data=lambda t: {"new_parent": t.c2.pk}, ok_status=(302,)),
        # C1 into another street: only the district; the street secretary of S1 is refused (404).
        Case("move_c1_to_s2", url("orgunit_move", pk("c1")), {"district"}, method="post",
             data=lambda t: {"new_parent": t.s2.pk}, ok_status=(302,)),
        Case("delete_form_b1", url("orgunit_delete", pk("b1")), {"district", "street"}),
        Case("delete_b1", url("orgunit_delete", pk("b1")), {"district", "street"}, method="post",
             data=lambda t: {}, ok_status=(302,)),
    ]

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)


# -- behaviour -----------------------------------------------------------------------------------

def _codes(response, key="page"):
    return sorted(u.code for u in response.context[key].object_list)


def test_tree_shows_scope_roots_and_first_level(client, tree):
    client.force_login(tree.users["community"])
    r = client.get(reverse("org:orgunit_tree"))
    assert [u.code for u in r.context["roots"]] == ["C1"]
    root = r.context["roots"][0]
    assert [c.code for c in root.child_nodes] == ["P1"]
    assert root.counts["compound"] == 1 and root.counts["building"] == 1
    assert root.child_nodes[0].counts["building"] == 1
    html = r.content.decode()
    assert 'data-unit-code="C1"' in html and 'data-unit-code="S1"' not in html


def test_tree_for_user_without_role_is_empty(client, tree):
    client.force_login(tree.users["norole"])
    r = client.get(reverse("org:orgunit_tree"))
    assert r.status_code == 200 and r.context["roots"] == []


def test_children_partial_is_a_fragment_with_counts(client, tree):
    client.force_login(tree.users["street"])
    r = client.get(reverse("org:orgunit_children", args=[tree.s1.pk]), headers=HTMX)
    html = r.content.decode()
    assert "<html" not in html
    assert [c.code for c in r.context["children"]] == ["C1", "C2"]
    c1, c2 = r.context["children"]
    assert (c1.counts["compound"], c1.counts["building"], c1.counts["compound_party_orgs"]) == (1, 1, 1)
    assert (c2.counts["compound"], c2.counts["compound_party_orgs"]) == (1, 0)
    # without htmx it is a full page
    r = client.get(reverse("org:orgunit_children", args=[tree.s1.pk]))
    assert "<html" in r.content.decode()


def test_search_is_scoped_and_matches_name_or_code(client, tree):
    client.force_login(tree.users["street"])
    r = client.get(reverse("org:orgunit_search"), {"q": "社区"})
    assert _codes(r) == ["C1", "C2"]  # C3 is in S2
    r = client.get(reverse("org:orgunit_search"), {"q": "p"})
    assert _codes(r) == ["P1", "P2"]
    client.force_login(tree.users["norole"])
    r = client.get(reverse("org:orgunit_search"), {"q": "社区"})
    assert _codes(r) == []


def test_search_without_query_lists_nothing(client, tree):
    client.force_login(tree.users["district"])
    r = client.get(reverse("org:orgunit_search"))
    assert r.status_code == 200 and r.context["page"] is None


def test_search_is_paginated(client, tree):
    admin = tree.users["district"]
    for i in range(30):
        services.org_unit_create(actor=admin, parent=tree.c3, code=f"PX{i:02d}", name=f"小区{i}", kind="compound")
    client.force_login(admin)
    r = client.get(reverse("org:orgunit_search"), {"q": "PX"})
    assert r.context["page"].paginator.count == 30 and len(r.context["page"].object_list) == 25
    r = client.get(reverse("org:orgunit_search"), {"q": "PX", "page": 2})
    assert len(r.context["page"].object_list) == 5


def test_detail_breadcrumbs_link_only_units_in_scope(client, tree):
    client.force_login(tree.users["community"])
    r = client.get(reverse("org:orgunit_detail", args=[tree.b1.pk]))
    assert [(a.code, ok) for a, ok in r.context["crumbs"]] == [("D", False), ("S1", False), ("C1", True), ("P1", True)]
    html = r.content.decode()
    assert reverse("org:orgunit_detail", args=[tree.s1.pk]) not in html
    assert reverse("org:orgunit_detail", args=[tree.c1.pk]) in html


def test_detail_counts_coverage_and_children(client, tree):
    admin = tree.users["district"]
    services.new_domain_org_create(actor=admin, unit=tree.c1, kind="office_building", code="N1", name="楼宇",
                                   party_org_type=PartyOrgType.BRANCH)
    services.grid_create(actor=admin, community=tree.c1, code="G1", name="一网格")
    client.force_login(tree.users["street"])
    r = client.get(reverse("org:orgunit_detail", args=[tree.s1.pk]))
    counts = r.context["counts"]
    assert (counts["communities_and_villages"], counts["compound"], counts["building"]) == (2, 2, 1)
    assert (counts["compound_party_orgs"], counts["compound_coverage_pct"]) == (1, 50.0)
    assert (counts["building_party_groups"], counts["building_coverage_pct"]) == (1, 100.0)
    assert dict((k, n) for k, _l, n in r.context["new_domain"])["office_building"] == 1
    assert [(c.code, c.counts["compound"]) for c in r.context["children"]] == [("C1", 1), ("C2", 1)]
    r = client.get(reverse("org:orgunit_detail", args=[tree.c1.pk]))
    assert [g.code for g in r.context["grids"]] == ["G1"]


@pytest.mark.parametrize(
    "persona,unit,expected",
    [
        ("district", "c1", {"create", "update", "move", "delete"} - {"delete"}),  # C1 has children
        ("district", "b1", {"update", "move", "delete"}),  # nothing under a building
        ("district", "district", {"create", "update"}),  # the root is neither moved nor deleted
        ("leader", "c1", set()),
        ("street", "b1", {"update", "move", "delete"}),
        ("community", "b1", {"update", "move"}),  # no delete for a community secretary
        ("community", "c1", {"create", "update", "move"}),
    ],
)
def test_detail_buttons_follow_scope(client, tree, persona, unit, expected):
    client.force_login(tree.users[persona])
    r = client.get(reverse("org:orgunit_detail", args=[getattr(tree, unit).pk]))
    html = r.content.decode()
    shown = {a for a in ("create", "update", "move", "delete") if f'data-action="{a}"' in html}
    assert shown == expected


def test_create_limits_kind_to_child_level(client, tree):
    client.force_login(tree.users["district"])
    r = client.get(reverse("org:orgunit_create", args=[tree.s1.pk]))
    assert [v for v, _l in r.context["form"].fields["kind"].choices] == ["community", "village"]
    before = table_fingerprint([OrgUnit])
    r = client.post(reverse("org:orgunit_create", args=[tree.s1.pk]), {"code": "X1", "name": "x", "kind": "compound"})
    assert r.status_code == 200 and "kind" in r.context["form"].errors
    assert table_fingerprint([OrgUnit]) == before


def test_create_under_building_is_404(client, tree):
    client.force_login(tree.users["district"])
    assert client.get(reverse("org:orgunit_create", args=[tree.b1.pk])).status_code == 404


def test_create_service_errors_become_form_errors(client, tree):
    client.force_login(tree.users["community"])
    before = table_fingerprint([OrgUnit, AuditLog])
    r = client.post(reverse("org:orgunit_create", args=[tree.c1.pk]), {"code": "P2", "name": "重复", "kind": "compound"})
    assert r.status_code == 200 and "code" in r.context["form"].errors
    r = client.post(reverse("org:orgunit_create", args=[tree.c1.pk]), {"code": "bad code!", "name": "x", "kind": "compound"})
    assert r.status_code == 200 and "code" in r.context["form"].errors
    assert table_fingerprint([OrgUnit, AuditLog]) == before


def test_create_writes_through_the_service(client, tree):
    client.force_login(tree.users["community"])
    r = client.post(reverse("org:orgunit_create", args=[tree.c1.pk]),
                    {"code": "P9", "name": "新小区", "kind": "compound", "party_org_type": "branch", "households": "80"})
    unit = OrgUnit.objects.get(code="P9")
    assert r.status_code == 302 and r["Location"] == reverse("org:orgunit_detail", args=[unit.pk])
    assert unit.parent_id == tree.c1.pk and unit.households == 80 and unit.compound_anc_id == unit.pk
    assert AuditLog.objects.filter(action="org_unit.create", object_id=str(unit.pk), actor_username="community").exists()


def test_update_passes_only_changed_fields(client, tree):
    client.force_login(tree.users["community"])
    r = client.post(reverse("org:orgunit_update", args=[tree.c1.pk]), edit_data(tree))
    assert r.status_code == 302
    unit = OrgUnit.objects.get(pk=tree.c1.pk)
    assert unit.name == "爱莲湖社区（改）" and unit.households == 1200
    log = AuditLog.objects.filter(action="org_unit.update").get()
    assert set(log.after) == {"name", "households", "updated_at"}


def test_update_without_changes_writes_nothing(client, tree):
    client.force_login(tree.users["community"])
    before = table_fingerprint([OrgUnit, AuditLog])
    data = {"code": "C1", "name": tree.c1.name, "kind": "community", "party_org_type": "general_branch"}
    assert client.post(reverse("org:orgunit_update", args=[tree.c1.pk]), data).status_code == 302
    assert table_fingerprint([OrgUnit, AuditLog]) == before


def test_update_refuses_kind_of_another_level(client, tree):
    client.force_login(tree.users["district"])
    before = table_fingerprint([OrgUnit])
    r = client.post(reverse("org:orgunit_update", args=[tree.c1.pk]), {"code": "C1", "name": "x", "kind": "street"})
    assert r.status_code == 200 and "kind" in r.context["form"].errors
    assert table_fingerprint([OrgUnit]) == before


def test_move_list_offers_only_units_the_user_may_move_into(client, tree):
    client.force_login(tree.users["street"])
    r = client.get(reverse("org:orgunit_move", args=[tree.p1.pk]))
    offered = {v for v, _l in r.context["form"].fields["new_parent"].choices if v}
    assert offered == {tree.c2.pk}  # C1 is the current parent, C3 is in S2
    client.force_login(tree.users["district"])
    r = client.get(reverse("org:orgunit_move", args=[tree.p1.pk]))
    assert {v for v, _l in r.context["form"].fields["new_parent"].choices if v} == {tree.c2.pk, tree.c3.pk}


def test_move_by_code_out_of_scope_is_the_same_error_as_a_missing_code(client, tree):
    client.force_login(tree.users["community"])
    before = table_fingerprint([OrgUnit])
    url = reverse("org:orgunit_move", args=[tree.p1.pk])
    forbidden = client.post(url, {"new_parent_code": "C2"})
    missing = client.post(url, {"new_parent_code": "NOPE"})
    assert forbidden.status_code == missing.status_code == 200
    assert forbidden.context["form"].errors == missing.context["form"].errors
    assert "new_parent_code" in forbidden.context["form"].errors
    assert table_fingerprint([OrgUnit]) == before


def test_move_by_code(client, tree):
    client.force_login(tree.users["street"])
    r = client.post(reverse("org:orgunit_move", args=[tree.p1.pk]), {"new_parent_code": "C2"})
    assert r.status_code == 302
    b1 = OrgUnit.objects.get(pk=tree.b1.pk)
    assert OrgUnit.objects.get(pk=tree.p1.pk).parent_id == tree.c2.pk and b1.community_anc_id == tree.c2.pk


def test_move_to_wrong_level_is_a_form_error(client, tree):
    client.force_login(tree.users["district"])
    before = table_fingerprint([OrgUnit])
    r = client.post(reverse("org:orgunit_move", args=[tree.p1.pk]), {"new_parent": tree.s2.pk})
    assert r.status_code == 200 and "new_parent" in r.context["form"].errors
    r = client.post(reverse("org:orgunit_move", args=[tree.p1.pk]), {})
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    assert table_fingerprint([OrgUnit]) == before


def test_move_of_root_is_refused(client, tree):
    client.force_login(tree.users["district"])
    before = table_fingerprint([OrgUnit])
    r = client.post(reverse("org:orgunit_move", args=[tree.district.pk]), {"new_parent": tree.s1.pk})
    assert r.status_code == 200 and r.context["form"].errors
    assert table_fingerprint([OrgUnit]) == before


def test_delete_of_unit_with_children_is_refused(client, tree):
    client.force_login(tree.users["street"])
    before = table_fingerprint([OrgUnit, AuditLog])
    r = client.get(reverse("org:orgunit_delete", args=[tree.p1.pk]))
    assert r.context["blocked"] is True
    r = client.post(reverse("org:orgunit_delete", args=[tree.p1.pk]))
    assert r.status_code == 200 and r.context["errors"]
    assert table_fingerprint([OrgUnit, AuditLog]) == before


def test_delete_redirects_to_parent(client, tree):
    client.force_login(tree.users["street"])
    r = client.post(reverse("org:orgunit_delete", args=[tree.b1.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("org:orgunit_detail", args=[tree.p1.pk])
    assert not OrgUnit.objects.filter(pk=tree.b1.pk).exists()


def test_out_of_scope_is_404_like_missing_and_recorded(client, tree):
    client.force_login(tree.users["community"])
    missing = client.get(reverse("org:orgunit_detail", args=[999999]))
    forbidden = client.get(reverse("org:orgunit_detail", args=[tree.c2.pk]))
    assert missing.status_code == forbidden.status_code == 404
    assert AuditLog.objects.filter(kind=AuditLog.Kind.DENIED, actor_username="community").count() == 1


# -- query counts --------------------------------------------------------------------------------

def _grow(tree, streets=3, communities=3, compounds=3, buildings=2):
    """Add many units through the services (one by one, as the conventions require)."""
    admin = tree.users["district"]
    mk = services.org_unit_create
    parents = [tree.s1, tree.s2]
    for s in range(streets):
        parents.append(mk(actor=admin, parent=tree.district, code=f"XS{s}", name=f"街道{s}", kind="street"))
    n = 0
    for street in parents:
        for c in range(communities):
            n += 1
            community = mk(actor=admin, parent=OrgUnit.objects.get(pk=street.pk), code=f"XC{n}",
                           name=f"社区{n}", kind="community", party_org_type="general_branch")
            for p in range(compounds):
                compound = mk(actor=admin, parent=community, code=f"XC{n}P{p}", name=f"小区{n}-{p}",
                              kind="compound", party_org_type="branch" if p % 2 else "")
                for b in range(buildings):
                    mk(actor=admin, parent=compound, code=f"XC{n}P{p}B{b}", name=f"{b}栋", kind="building",
                       party_org_type="group" if b else "")
    services.grid_create(actor=admin, community=tree.c1, code="XG1", name="网格1")
    services.grid_create(actor=admin, community=tree.c1, code="XG2", name="网格2")


PAGES = {
    "tree": lambda t: reverse("org:orgunit_tree"),
    "children_district": lambda t: reverse("org:orgunit_children", args=[t.district.pk]),
    "children_s1": lambda t: reverse("org:orgunit_children", args=[t.s1.pk]),
    "search": lambda t: reverse("org:orgunit_search") + "?q=社区",
    "detail_district": lambda t: reverse("org:orgunit_detail", args=[t.district.pk]),
    "detail_s1": lambda t: reverse("org:orgunit_detail", args=[t.s1.pk]),
    "detail_c1": lambda t: reverse("org:orgunit_detail", args=[t.c1.pk]),
}


def _count_queries(client, url, headers=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "persona,page",
    [("district", page) for page in sorted(PAGES)]
    + [("street", page) for page in sorted(PAGES) if not page.endswith("_district")],
)
def test_pages_run_constant_queries(client, tree, persona, page):
    client.force_login(tree.users[persona])
    url = PAGES[page](tree)
    headers = HTMX if page.startswith("children") else None
    small = _count_queries(client, url, headers)
    _grow(tree)
    tree.refresh()
    assert OrgUnit.objects.count() > 100
    big = _count_queries(client, PAGES[page](tree), headers)
    print(f"queries {persona} {page}: small={small} big={big}")
    assert small == big, f"{page}: {small} queries on the small tree, {big} on the big one"
