"""A community secretary logs in, opens the tree, expands a node and opens unit pages (desktop and phone).

Driven by Debian's chromium through Playwright's sync API against pytest-django's live server.
Assertions use element ids and data attributes, never display text.
"""
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = os.environ.get("BROWSER_SCREENSHOT_DIR", "/tmp")



def _log_in(page, base, tree, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", tree.password)
    page.click("#login-submit")
    page.wait_for_selector("#greeting")
    assert page.get_attribute("#user-name", "data-username") == username


def _browse(page, base, tree, shot_prefix):
    page.goto(f"{base}/org/")
    root = page.locator('#org-tree > li[data-unit-code="C1"]')
    assert root.count() == 1
    assert page.locator('[data-unit-code="S1"]').count() == 0  # nothing above the user's scope
    assert root.locator('[data-counts-for="C1"] [data-count="compound"]').get_attribute("data-value") == "1"

    # Expand the compound: its buildings arrive through htmx.
    p1 = root.locator('li[data-unit-code="P1"]')
    assert p1.locator('li[data-unit-code="B1"]').count() == 0
    p1.locator("summary .node-toggle").first.click()
    p1.locator('li[data-unit-code="B1"]').wait_for()
    assert p1.locator("details").first.get_attribute("open") is not None
    page.screenshot(path=f"{SCREENSHOT_DIR}/{shot_prefix}-tree.png", full_page=True)

    # Search without leaving the page (htmx), scoped to the user.
    page.fill("#search-q", "小区")
    page.locator('#search-results [data-unit-code="P1"]').wait_for()
    assert page.locator('#search-results [data-unit-code="P2"]').count() == 0

    # The compound's page: breadcrumbs link only units in scope; the counts come from the records.
    p1.locator('a[data-unit-link="P1"]').first.click()
    page.wait_for_selector('#unit-head[data-unit-code="P1"]')
    crumbs = {c.get_attribute("data-crumb"): c.get_attribute("data-crumb-link")
              for c in page.locator("#breadcrumbs li[data-crumb]").all()}
    assert crumbs == {"D": "0", "S1": "0", "C1": "1", "P1": "current"}
    assert page.locator('#breadcrumbs li[data-crumb="S1"] a').count() == 0
    assert page.get_attribute('#unit-counts [data-count="building"]', "data-value") == "1"
    assert page.get_attribute('#unit-counts [data-count="building_party_groups"]', "data-value") == "1"
    assert page.locator('#children-table tr[data-unit-code="B1"]').count() == 1
    # A community secretary may add, edit and move here, but not delete.
    actions = {a.get_attribute("data-action") for a in page.locator("#unit-actions [data-action]").all()}
    assert actions == {"create", "update", "move"}
    page.screenshot(path=f"{SCREENSHOT_DIR}/{shot_prefix}-unit.png", full_page=True)

    # Up through a breadcrumb to the community.
    page.click('#breadcrumbs li[data-crumb="C1"] a')
    page.wait_for_selector('#unit-head[data-unit-code="C1"]')
    assert page.get_attribute('#unit-counts [data-count="compound"]', "data-value") == "1"
    assert page.get_attribute('#unit-counts [data-count="compound_party_orgs"]', "data-value") == "1"
    assert page.locator("#unit-grids").count() == 1


def test_community_secretary_browses_the_tree(browser, live_server, tree):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, tree, "community")
    # The home page shows the grant with a link to the unit.
    assert page.locator('#my-grants [data-grant-unit="C1"][data-grant-role="community_secretary"]').count() == 1
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-desktop-home.png", full_page=True)
    assert page.is_visible("#main-nav")
    _browse(page, live_server.url, tree, "suxian-desktop")
    context.close()


def test_on_a_phone(browser, live_server, tree):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    _log_in(page, live_server.url, tree, "community")
    # The navigation folds behind the menu button and opens on a tap.
    assert not page.is_visible("#main-nav")
    page.click(".nav-toggle-label")
    assert page.is_visible('#main-nav [data-nav="org"]')
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-phone-menu.png")
    page.click('#main-nav [data-nav="org"]')
    page.wait_for_selector("#org-tree")
    _browse(page, live_server.url, tree, "suxian-phone")
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_log_out_is_a_post(browser, live_server, tree):
    page = browser.new_page()
    _log_in(page, live_server.url, tree, "street")
    page.click("#logout-button")
    page.wait_for_selector("#login-form")
    page.goto(f"{live_server.url}/org/")
    assert page.locator("#login-form").count() == 1  # back to the log-in page
