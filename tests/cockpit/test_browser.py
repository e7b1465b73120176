"""The cockpit in Debian's chromium: the district admin (desktop) and a street secretary (phone) land on
it, its ECharts charts render (svg), they drill down to a community and back by the breadcrumbs, the
report prints and downloads as .docx; no request leaves the live server, no console error."""
import os
from urllib.parse import urlsplit

import pytest

from .conftest import YEAR, add_work

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("BROWSER_SCREENSHOT_DIR", "/tmp")



def _watched_page(context, base):
    page = context.new_page()
    page.problems = []
    host = urlsplit(base).hostname

    def on_request(request):
        url = urlsplit(request.url)
        if url.scheme in ("http", "https") and url.hostname != host:
            page.problems.append(f"request left the server: {request.url}")

    page.on("request", on_request)
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
    return page


def _log_in(page, base, tree, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", tree.password)
    page.click("#login-submit")
    page.wait_for_selector("#cockpit")  # district and street staff land on the cockpit
    _children_loaded(page)


def _children_loaded(page):
    """The drill-down table arrives by htmx: wait for it (leaving earlier would abort that request)."""
    if page.locator("#children").count():
        page.wait_for_selector("#children[data-loaded]")


def _unit(page) -> str:
    return page.get_attribute("#cockpit", "data-unit")


def _charts_drawn(page, ids):
    for chart in ids:
        page.wait_for_selector(f"#{chart} svg")


def test_district_admin_drills_down_and_back(browser, live_server, tree):
    add_work(tree)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = _watched_page(context, live_server.url)
    _log_in(page, live_server.url, tree, "district")
    assert _unit(page) == "D"
    page.goto(f"{live_server.url}/cockpit/?year={YEAR}")
    _charts_drawn(page, ["chart-tree", "chart-cases", "chart-members", "chart-visits"])
    page.screenshot(path=f"{SCREENSHOTS}/cockpit_desktop.png", full_page=True)
    _children_loaded(page)
    page.click('[data-drill="S1"]')
    page.wait_for_selector('#cockpit[data-unit="S1"]')
    _children_loaded(page)
    page.click('[data-drill="C1"]')
    page.wait_for_selector('#cockpit[data-unit="C1"]')
    _charts_drawn(page, ["chart-tree", "chart-cases"])
    page.click('#cockpit-crumbs [data-crumb="S1"] a')
    page.wait_for_selector('#cockpit[data-unit="S1"]')
    _children_loaded(page)
    page.click('#cockpit-crumbs [data-crumb="D"] a')
    page.wait_for_selector('#cockpit[data-unit="D"]')
    _children_loaded(page)
    # The report: printable page, and the .docx download.
    page.click("#report-link")
    page.wait_for_selector('#report[data-unit="D"]')
    page.screenshot(path=f"{SCREENSHOTS}/cockpit_report.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.is_visible("#site-header")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.click("#report-docx")
    assert download.value.suggested_filename.endswith(".docx")
    assert page.problems == []
    context.close()


def test_street_secretary_on_a_phone(browser, live_server, tree):
    add_work(tree)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = _watched_page(context, live_server.url)
    _log_in(page, live_server.url, tree, "street")
    assert _unit(page) == "S1"
    _charts_drawn(page, ["chart-tree", "chart-cases", "chart-visits"])
    # Nothing wider than the screen but the tables' own scroll boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=f"{SCREENSHOTS}/cockpit_phone.png", full_page=True)
    page.screenshot(path=f"{SCREENSHOTS}/cockpit_phone_top.png")
    _children_loaded(page)
    page.click('[data-drill="C2"]')
    page.wait_for_selector('#cockpit[data-unit="C2"]')
    assert page.locator('#cockpit-crumbs [data-crumb="D"]').count() == 0  # nothing above the scope
    page.click('#cockpit-crumbs [data-crumb="S1"] a')
    page.wait_for_selector('#cockpit[data-unit="S1"]')
    _children_loaded(page)
    assert page.problems == []
    context.close()
