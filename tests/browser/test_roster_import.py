"""A roster clerk (community secretary) imports a small xlsx in the browser: upload, a preview showing one
bad row's error, the fixed file previewed clean, confirm, and the members appear in the list.

Assertions use element ids and data attributes, never display text.
"""
import io
import os
import random
from datetime import date

import pytest
from openpyxl import Workbook

from core.idcard import generate_id_number
from org.imports import COLUMNS

from .test_org_browse import SCREENSHOT_DIR, _log_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _roster(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r.get(c, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def test_roster_clerk_imports_a_small_file(browser, live_server, tree, tmp_path):
    rng = random.Random(5)
    ids = [generate_id_number(rng, birth=date(1960 + i, 3, 1 + i), gender="MF"[i % 2]) for i in range(3)]
    rows = [{"姓名": f"花名册{i}", "身份证号": n, "学历": "本科", "人员类别": "退休", "所在党组织编码": "P1",
             "居住小区/楼栋编码": "B1"} for i, n in enumerate(ids)]
    bad = [dict(r) for r in rows]
    bad[1]["所在党组织编码"] = "P2"  # the sibling community's compound: out of scope

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    _log_in(page, live_server.url, tree, "community")
    page.goto(f"{live_server.url}/org/members/")
    page.click('#member-actions [data-action="import"]')
    page.wait_for_selector("#import-form")

    # 1. The bad file: the preview names row 3 and its column; nothing can be confirmed.
    page.set_input_files("#id_file", _roster(tmp_path / "bad.xlsx", bad))
    page.click("#import-preview")
    page.wait_for_selector("#import-result")
    assert page.get_attribute("#import-result", "data-ok") == "0"
    assert page.get_attribute("#import-summary", "data-error") == "1"
    assert page.locator('#import-errors li[data-row="3"][data-code="unit_code"]').count() == 1
    assert page.locator('#import-rows tr[data-row="3"][data-status="error"] [data-row-error]').count() == 1
    assert page.locator("#import-confirm").count() == 0
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-roster-preview-error.png", full_page=True)

    # 2. The fixed file: every row new, confirm offered.
    page.set_input_files("#id_file", _roster(tmp_path / "good.xlsx", rows))
    page.click("#import-preview")
    page.wait_for_selector('#import-result[data-ok="1"]')
    assert page.get_attribute("#import-summary", "data-new") == "3"
    assert page.locator('#import-rows tr[data-status="new"]').count() == 3
    page.click("#import-confirm")

    # 3. Back on the member list, filtered to the import's unit: the three members are there, masked.
    page.wait_for_selector("#member-table")
    assert page.get_attribute("#member-total", "data-total") == "3"
    assert page.locator('#member-table tr[data-unit-code="P1"]').count() == 3
    assert page.get_attribute("#messages li", "data-message-level") == "success"
    shown = page.inner_text("#member-table")
    assert all(n not in shown for n in ids) and ids[0][:3] + "*" in shown
    page.screenshot(path=f"{SCREENSHOT_DIR}/suxian-roster-imported.png", full_page=True)

    # 4. The import history keeps both runs' records (preview, refused preview, import).
    page.goto(f"{live_server.url}/org/members/imports/")
    states = sorted(r.get_attribute("data-state") for r in page.locator("#import-table tr[data-record-id]").all())
    assert states == ["completed", "previewed", "refused"]
    context.close()
