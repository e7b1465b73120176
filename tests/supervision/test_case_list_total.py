"""The case list's total: taken from the dashboard counts when no filter is set (one query less), counted
when a filter is set; either way it equals the cases the user may see."""
import re

import pytest
from django.urls import reverse

from supervision.choices import OPEN_STATES
from supervision.models import Case

from .test_views import _count, _more_cases

pytestmark = pytest.mark.django_db


def total(client, params=None):
    html = client.get(reverse("supervision:case_list"), params or {}).content.decode()
    return int(re.search(r'id="case-total" data-total="(\d+)"', html).group(1))


@pytest.mark.parametrize("persona", ["district", "street", "community"])
def test_total_equals_the_visible_cases(client, tree, persona):
    _more_cases(tree, 57)  # more than a page; P1 (street S1) and P3 (street S2)
    user = tree.users[persona]
    client.force_login(user)
    visible = Case.objects.for_user(user)
    assert total(client) == visible.count()
    assert total(client, {"unit": tree.p1.code}) == visible.filter(unit=tree.p1).count()
    assert total(client, {"state": "open"}) == visible.filter(state__in=OPEN_STATES).count()
    assert total(client, {"q": "案1"}) == visible.filter(title__contains="案1").count()


def test_unfiltered_list_spares_the_count_query(client, tree):
    _more_cases(tree, 57)
    client.force_login(tree.users["district"])
    url = reverse("supervision:case_list")
    _count(client, url)
    unfiltered = _count(client, url)
    filtered = _count(client, url, {"q": "案"})
    assert unfiltered == filtered - 1
