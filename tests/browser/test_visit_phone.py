"""A community secretary on a phone (375×740) logs in, logs a visit that raises a case, and finds the
case in the case list. Debian chromium through Playwright against the live server; assertions use ids
and data attributes, never display text. Screenshots go to BROWSER_SCREENSHOT_DIR (default /tmp)."""
import os

import pytest

from supervision.models import Case, VisitRecord

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = os.environ.get("BROWSER_SCREENSHOT_DIR", "/tmp")



def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_secretary_logs_a_visit_that_raises_a_case_on_a_phone(browser, live_server, tree):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "community")
    page.fill("#id_password", tree.password)
    page.click("#login-submit")
    page.wait_for_selector("#greeting")

    # The work system is in the menu; its start page has one big button for the visit form.
    page.click(".nav-toggle-label")
    page.click('#main-nav [data-nav="supervision"]')
    page.wait_for_selector("#supervision-home")
    assert page.locator("#notif-bell").is_visible()  # the unread badge stays visible on a phone
    page.click("#log-visit")
    page.wait_for_selector("#visit-form")

    # Defaults: today, the secretary's own community; nothing to type there.
    assert page.input_value("#id_place") == str(tree.c1.pk)
    assert page.input_value("#id_visited_on")
    page.select_option("#id_place", str(tree.p1.pk))
    page.click('#visit-form label:has(input[name="category"][value="property_management"])')
    page.fill("#id_heard", "3栋住户反映电梯经常停运，物业迟迟不修")
    page.fill("#id_households", "3-201、3-502")
    page.fill("#id_households_count", "2")
    # Big touch targets: category chips and the save button are at least 44 px high.
    chip = page.locator('#visit-form label:has(input[name="category"])').first.bounding_box()
    assert chip["height"] >= 44
    page.click('summary[data-raise-case="1"]')
    page.fill("#id_case1-title", "电梯停运")
    page.click('#visit-form label:has(input[name="case1-kind"][value="dispute"])')
    _fits(page)
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-phone-visit-form.png", full_page=True)
    assert page.locator("#visit-submit").bounding_box()["height"] >= 44
    page.click("#visit-submit")

    # Back on "my visits" with a success message; the visit is listed with its case.
    page.wait_for_selector('#messages [data-message-level="success"]')
    row = page.locator("#visit-table tr[data-visit-id]").first
    assert row.get_attribute("data-place-code") == "P1"
    assert row.locator("[data-case-count]").get_attribute("data-case-count") == "1"
    _fits(page)
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-phone-visit-saved.png", full_page=True)

    visit = VisitRecord.objects.get()
    case = Case.objects.get(visit=visit)
    assert (visit.cadre.username, visit.place_id, visit.households_count) == ("community", tree.p1.pk, 2)
    assert (case.kind, case.category, case.state, case.unit_id) == ("dispute", "property_management", "registered",
                                                                    tree.p1.pk)

    # The case is in the case list; its page shows the history and what the secretary may do now.
    page.click('#supervision-tabs [data-tab="cases"]')
    page.wait_for_selector("#case-table")
    link = page.locator(f'#case-table [data-case-link="{case.pk}"]')
    assert link.count() == 1
    _fits(page)
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-phone-case-list.png", full_page=True)
    link.click()
    page.wait_for_selector(f'#case-head[data-case-id="{case.pk}"]')
    assert page.locator('#case-history li[data-action="register"]').count() == 1
    actions = {b.get_attribute("data-case-action") for b in page.locator("#case-actions [data-case-action]").all()}
    assert "accept" in actions
    page.click('#case-actions button[data-case-action="accept"]')
    page.wait_for_selector('#case-head[data-state="accepted"]')
    assert page.locator('#case-history li[data-action="accept"]').count() == 1
    _fits(page)
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-phone-case.png", full_page=True)
    context.close()
