"""The user's grants are read once per request: the scope and the header's grant chips share them."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleGrant
from accounts.roles import Role
from core.scoping import Action, cached_grants, forget_scope, scope_nodes
from core.selectors import active_grants_for

pytestmark = pytest.mark.django_db


def grant_queries(ctx) -> int:
    return sum('FROM "accounts_rolegrant"' in q["sql"] for q in ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["org:member_list", "supervision:case_list"])
def test_a_page_reads_the_grants_once(client, tree, url_name):
    client.force_login(tree.users["street"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert grant_queries(ctx) == 1


def test_unit_page_reads_the_grants_once(client, tree):
    client.force_login(tree.users["street"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("org:orgunit_detail", args=[tree.s1.pk]))
    assert response.status_code == 200
    assert grant_queries(ctx) == 1


def test_grants_in_tree_order_and_forgotten_with_the_scope(tree):
    user = tree.users["street"]
    RoleGrant.objects.create(user=user, unit=tree.c3, role=Role.COMMUNITY_CADRE)
    RoleGrant.objects.create(user=user, unit=tree.district, role=Role.STREET_STAFF)
    grants = active_grants_for(user)
    assert [(g.unit.tree_id, g.unit.lft) for g in grants] == sorted((g.unit.tree_id, g.unit.lft) for g in grants)
    assert list(cached_grants(user)) == grants
    with CaptureQueriesContext(connection) as ctx:
        scope_nodes(user, Action.VIEW)
        active_grants_for(user)
    assert len(ctx.captured_queries) == 0  # the same per-request cache
    RoleGrant.objects.filter(user=user, unit=tree.district).delete()
    assert tree.district.pk in {g.unit_id for g in active_grants_for(user)}  # cached until forgotten
    forget_scope(user)
    assert tree.district.pk not in {g.unit_id for g in active_grants_for(user)}
