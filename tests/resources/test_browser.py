"""A street secretary records a department's person stationed in the street, picking the party member by
mobile, on a desktop (1280 wide) and on a phone (390 wide), then accepts a renovation project. Debian
chromium through Playwright against the live server; assertions use ids and data attributes, never display
text. Screenshots go to BROWSER_SCREENSHOT_DIR (default /tmp)."""
import datetime as dt
import os

import pytest

from resources import services
from resources.models import RenovationProject, StationedStaff

from .conftest import build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = os.environ.get("BROWSER_SCREENSHOT_DIR", "/tmp")



@pytest.mark.parametrize("width", [1280, 390])
def test_street_records_a_stationing_and_accepts_a_renovation(browser, live_server, tree, width):
    w = build_world(tree)
    project = services.renovation_create(actor=tree.users["district"], premise=w.premise, budget_yuan=800000,
                                         started_on=dt.date(2024, 3, 1))
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": 900 if phone else 800}, locale="zh-CN",
                                  is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "street")
    page.fill("#id_password", tree.password)
    page.click("#login-submit")
    page.wait_for_selector("#greeting")

    page.goto(f"{base}/resources/stationed/")
    page.click('[data-action="new"]')
    page.wait_for_selector("#entry-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.select_option("#id_department", str(w.dept.pk))
    page.select_option("#id_street", str(tree.s1.pk))
    page.fill("#id_lookup", "13800000001")
    page.fill("#id_post", "驻街干部")
    page.screenshot(path=f"{SCREENSHOT_DIR}/resources-stationed-new-{width}.png", full_page=True)
    page.click('#entry-form [data-action="save"]')
    page.wait_for_selector("#stationed-list")
    staff = StationedStaff.objects.get(member=w.m1)
    assert page.locator(f'[data-staff-id="{staff.pk}"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{base}/resources/premises/{w.premise.pk}/")
    page.click(f'[data-renovation-id="{project.pk}"] [data-action="accept"]')
    page.wait_for_selector("#entry-record")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("#id_accepted_on", "2024-06-30")
    page.fill("#id_spent_yuan", "760000")
    page.screenshot(path=f"{SCREENSHOT_DIR}/resources-renovation-accept-{width}.png", full_page=True)
    page.click('#entry-form [data-action="save"]')
    page.wait_for_selector("#renovation-list")
    assert RenovationProject.objects.get(pk=project.pk).accepted_on == dt.date(2024, 6, 30)
    context.close()
