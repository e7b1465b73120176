"""The landing page: district and street staff land on the cockpit; a community secretary keeps a
work-first start page (the visit button, the open cases, then the community's figures)."""
import re

import pytest
from django.urls import reverse

from core.figures import compute_figures

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


@pytest.mark.parametrize("persona, code", [("district", "D"), ("leader", "D"), ("street", "S1"),
                                           ("other_street", "S2")])
def test_district_and_street_staff_land_on_the_cockpit(client, tree, persona, code):
    client.force_login(tree.users[persona])
    response = client.get(HOME)
    assert response.status_code == 200 and response.context["unit"].code == code
    assert 'id="cockpit"' in response.content.decode() and 'id="home-figures"' not in response.content.decode()


def test_drilling_down_on_the_start_page_stays_in_scope(client, tree):
    client.force_login(tree.users["street"])
    assert client.get(f"{HOME}?unit=C1").context["unit"].code == "C1"
    assert client.get(f"{HOME}?unit=S2").status_code == 404
    assert client.get(f"{HOME}?unit=D").status_code == 404


def test_community_secretary_keeps_a_work_first_home(client, work):
    client.force_login(work.users["community"])
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('id="home-log-visit"') < html.index('data-count="open"') < html.index('id="home-figures"')
    assert 'data-unit="C1"' in html
    shown = dict(re.findall(r'data-key="([^"]+)" data-value="([^"]*)"', html))
    figures = compute_figures(work.c1)
    assert set(shown) == set(figures)
    assert re.search(r'data-count="open" data-value="(\d+)"', html)[1] == "0"  # C1's case is resolved


def test_without_a_role_the_plain_home(client, tree):
    client.force_login(tree.users["norole"])
    response = client.get(HOME)
    assert response.status_code == 200 and 'id="home-figures"' not in response.content.decode()
