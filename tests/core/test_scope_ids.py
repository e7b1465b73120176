"""``scope_ids_q`` (the shape for sorted, paged lists) selects exactly the rows ``scope_q`` does."""
import pytest
from django.db import connection

from core.scoping import Action, scope_ids_q, scope_q
from org.models import Member
from tests.org.member_factories import make_members

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", [Action.VIEW, Action.CHANGE])
def test_same_rows_as_the_range_join_for_every_persona(tree, action):
    for unit in (tree.s1, tree.c1, tree.c2, tree.c3, tree.p1, tree.p2, tree.p3, tree.b1):
        make_members(tree, unit, 2)
    assert Member.objects.count() == 16
    sizes = {}
    for persona, user in tree.users.items():
        if user is None:
            continue
        joined = set(Member.objects.filter(scope_q(user, action, "unit")).values_list("pk", flat=True))
        collected = set(Member.objects.filter(scope_ids_q(user, action, "unit")).values_list("pk", flat=True))
        assert collected == joined, persona
        sizes[persona] = len(joined)
    assert sizes["norole"] == 0 and sizes["district"] == 16 and 0 < sizes["community"] < sizes["street"] < 16


@pytest.mark.postgres
def test_postgresql_collects_the_units_first(tree):
    query = str(Member.objects.filter(scope_ids_q(tree.users["street"], Action.VIEW, "unit")).query)
    assert connection.vendor == "postgresql"
    assert "= ANY(ARRAY(SELECT" in query
