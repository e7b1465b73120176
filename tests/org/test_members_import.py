"""The roster import matrix: valid files, every error class, encodings, limits, re-import, the command."""
import io
import random
import time
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from core.idcard import generate_id_number
from core.models import AuditLog
from core.scoping import ScopeDenied
from core.testing import table_fingerprint
from org import services
from org.imports import COLUMNS, roster_import, template_bytes
from org.models import ImportRecord, ImportState, Member, Membership, OutsideUnitKind

pytestmark = pytest.mark.django_db
RNG = random.Random(11)
WRITTEN = [Member, Membership]


def ids(n, year=1970):
    return [generate_id_number(RNG, birth=date(year + i % 30, 1 + i % 12, 1 + i % 28), gender="MF"[i % 2])
            for i in range(n)]


def row(id_number, unit="P1", **over):
    base = {"姓名": "张伟", "身份证号": id_number, "手机号": "13800001234", "学历": "本科", "民族": "汉族",
            "入党日期": "2010-07-01", "党员类型": "正式", "人员类别": "退休", "工作单位": "", "状态": "正常",
            "所在党组织编码": unit, "居住小区/楼栋编码": "B1", "备注": ""}
    base.update(over)
    return base


def xlsx(rows, headers=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append([r.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows, encoding="utf-8", headers=COLUMNS) -> bytes:
    lines = [",".join(headers)] + [",".join(str(r.get(h, "")) for h in headers) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(tree, data, filename="roster.xlsx", user="community", dry_run=False, **kw):
    return roster_import(actor=tree.users[user], source=data, filename=filename, dry_run=dry_run, **kw)


def test_template_has_headers_and_a_valid_sample(tree, tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("import_roster", template=str(path))
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sheet[0] == COLUMNS and len(sheet) == 2
    assert template_bytes()[:2] == b"PK"


def test_valid_file_imports_everything_once(tree):
    numbers = ids(5)
    result = run(tree, xlsx([row(n, unit="P1" if i % 2 else "B1") for i, n in enumerate(numbers)]))
    assert result.ok and (result.total, result.created) == (5, 5)
    assert Member.objects.count() == 5 and Membership.objects.filter(ended_on__isnull=True).count() == 5
    m = Member.objects.get(id_number_hash__isnull=False, unit=tree.b1, name="张伟", pk=Member.objects.filter(
        unit=tree.b1).order_by("pk").first().pk)
    assert m.residence_id == tree.b1.pk and m.education == "bachelor" and m.category == "retired"
    record = result.record
    assert record.state == ImportState.COMPLETED and (record.total, record.created, record.errors) == (5, 5, 0)
    assert AuditLog.objects.filter(kind=AuditLog.Kind.IMPORT).count() == 1


def test_preview_writes_nothing_but_its_record(tree):
    before = table_fingerprint(WRITTEN)
    result = run(tree, xlsx([row(n) for n in ids(3)]), dry_run=True)
    assert result.ok and result.created == 3 and [r.status for r in result.rows] == ["new"] * 3
    assert table_fingerprint(WRITTEN) == before
    assert result.record.state == ImportState.PREVIEWED
    assert AuditLog.objects.filter(kind=AuditLog.Kind.IMPORT, action="member.import_preview").count() == 1


def _existing_elsewhere(tree):
    n = ids(1, 1960)[0]
    services.member_create(actor=tree.users["district"], unit=tree.c3, name="外人", id_number=n)
    return n


CASES = {
    "required_name": (lambda t, n: row(n, 姓名=""), "姓名", "required"),
    "checksum": (lambda t, n: row(n[:17] + ("0" if n[17] != "0" else "1")), "身份证号", "checksum"),
    "excel_number_text": (lambda t, n: row("4.30102E+17"), "身份证号", "excel_number"),
    "excel_number_cell": (lambda t, n: row(430102197001011234.0), "身份证号", "excel_number"),
    "length": (lambda t, n: row(n[:15]), "身份证号", "length"),
    "birthdate": (lambda t, n: row("430102199913321234"), "身份证号", "birthdate"),
    "phone": (lambda t, n: row(n, 手机号="12345"), "手机号", "phone"),
    "education": (lambda t, n: row(n, 学历="幼儿园"), "学历", "choice"),
    "standing": (lambda t, n: row(n, 党员类型="候补"), "党员类型", "choice"),
    "date": (lambda t, n: row(n, 入党日期="去年"), "入党日期", "date"),
    "future_date": (lambda t, n: row(n, 入党日期="2999-01-01"), "入党日期", "date"),
    "unknown_code": (lambda t, n: row(n, unit="NOPE"), "所在党组织编码", "unit_code"),
    "out_of_scope_code": (lambda t, n: row(n, unit="P2"), "所在党组织编码", "unit_code"),
    "district_code": (lambda t, n: row(n, unit="D"), "所在党组织编码", "unit_code"),
    "residence_level": (lambda t, n: row(n, **{"居住小区/楼栋编码": "C1"}), "居住小区/楼栋编码", "residence_level"),
    "work_unit": (lambda t, n: row(n, 工作单位="不存在单位"), "工作单位", "work_unit"),
    "duplicate_db": (lambda t, n: row(_existing_elsewhere(t)), "身份证号", "duplicate_db"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_error_class_refuses_the_whole_file(tree, case):
    make, column, code = CASES[case]
    good = ids(3)
    bad = make(tree, ids(1, 1975)[0])
    before = table_fingerprint(WRITTEN)
    data = xlsx([row(good[0]), row(good[1]), bad, row(good[2])])
    result = run(tree, data)
    assert not result.ok and result.error_rows == 1
    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, column, code)]
    assert result.errors[0].message.startswith(("Row 4", "第 4 行"))
    assert table_fingerprint(WRITTEN) == before
    assert result.record.state == ImportState.REFUSED and result.record.errors_report[0]["row"] == 4


def test_duplicate_within_file(tree):
    n = ids(1)[0]
    result = run(tree, xlsx([row(n), row(ids(1, 1976)[0]), row(n.lower(), 姓名="重复")]))
    assert [(e.row, e.code) for e in result.errors] == [(4, "duplicate_file")]
    assert Member.objects.count() == 0


def test_district_level_code_refused_for_district_admin(tree):
    result = run(tree, xlsx([row(ids(1)[0], unit="D")]), user="district")
    assert [e.code for e in result.errors] == ["unit_level"]


def test_out_of_scope_and_unknown_codes_look_the_same(tree):
    result = run(tree, xlsx([row(ids(1)[0], unit="P3"), row(ids(1, 1977)[0], unit="ZZZ")]))
    assert [e.code for e in result.errors] == ["unit_code", "unit_code"]
    assert result.errors[0].reason == result.errors[1].reason


def test_scope_unit_without_import_right_refused(tree):
    with pytest.raises(ScopeDenied):
        run(tree, xlsx([row(ids(1)[0])]), user="leader")
    with pytest.raises(ScopeDenied):
        run(tree, xlsx([row(ids(1)[0])]), unit=tree.c2)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_give_the_same_rows(tree, encoding):
    numbers = ids(3)
    rows = [row(n, 姓名=name) for n, name in zip(numbers, ["欧阳娜", "覃志刚", "龚秀英"])]
    utf8 = run(tree, csv_bytes(rows, "utf-8"), filename="r.csv", dry_run=True)
    other = run(tree, csv_bytes(rows, encoding), filename="r.csv", dry_run=True)
    assert utf8.ok and other.ok
    assert [(r.row, r.status, r.name, r.id_masked) for r in other.rows] == [
        (r.row, r.status, r.name, r.id_masked) for r in utf8.rows]
    assert [r.name for r in other.rows] == ["欧阳娜", "覃志刚", "龚秀英"]


def test_csv_excel_number_is_an_error(tree):
    data = csv_bytes([row("4.30102E+17"), row("430102197001011000.0")])
    result = run(tree, data, filename="r.csv")
    assert [e.code for e in result.errors] == ["excel_number", "excel_number"]


def test_oversize_file_refused_before_reading(tree):
    big = b"x" * (3 * 1024 * 1024)
    started = time.monotonic()
    result = run(tree, big, filename="r.csv", max_bytes=1024 * 1024)
    assert result.file_error.code == "too_large" and time.monotonic() - started < 1
    assert result.record.state == ImportState.REFUSED and Member.objects.count() == 0


def test_zip_bomb_refused_quickly(tree):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    data = buf.getvalue()
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    result = run(tree, data)
    assert result.file_error.code == "zip_bomb" and time.monotonic() - started < 1


def test_missing_columns_refused(tree):
    result = run(tree, xlsx([{"姓名": "x"}], headers=["姓名", "手机号"]))
    assert result.file_error.code == "missing_columns"


def test_reimport_skips_unchanged_and_updates_changed(tree):
    numbers = ids(20)
    rows = [row(n) for n in numbers]
    assert run(tree, xlsx(rows)).created == 20
    again = run(tree, xlsx(rows))
    assert (again.created, again.updated, again.skipped) == (0, 0, 20)
    rows[3] = row(numbers[3], 状态="失联")
    rows[4] = row(numbers[4], unit="C1")
    third = run(tree, xlsx(rows))
    assert (third.updated, third.skipped) == (2, 18)
    moved = Member.objects.get(pk=Membership.objects.filter(unit=tree.c1).get().member_id)
    assert moved.unit_id == tree.c1.pk and Membership.objects.filter(member=moved).count() == 2
    assert Member.objects.filter(status="lost_contact").count() == 1
    # A column left out keeps the stored value.
    slim = ["姓名", "身份证号", "所在党组织编码"]
    fourth = run(tree, xlsx(rows, headers=slim))
    assert fourth.skipped == 20 and Member.objects.filter(status="lost_contact").count() == 1


def test_work_unit_by_code_or_name(tree):
    dept = services.outside_unit_create(actor=tree.users["district"], registered_at=tree.district,
                                        kind=OutsideUnitKind.DISTRICT_DEPARTMENT, code="QZ9", name="苏仙区民政局",
                                        short_name="区民政局")
    a, b = ids(2)
    result = run(tree, xlsx([row(a, 人员类别="在职", 工作单位="QZ9"), row(b, 人员类别="在职", 工作单位="区民政局")]))
    assert result.ok and set(Member.objects.values_list("work_unit_id", flat=True)) == {dept.pk}


def test_command_exit_codes(tree, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(xlsx([row(n) for n in ids(2)]))
    bad.write_bytes(xlsx([row(n) for n in ids(2, 1978)] + [row("123")]))
    call_command("import_roster", str(good), "--as", "community", "--dry-run")
    assert Member.objects.count() == 0
    before = table_fingerprint(WRITTEN)
    with pytest.raises(CommandError):
        call_command("import_roster", str(bad), "--as", "community")
    assert table_fingerprint(WRITTEN) == before
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(CommandError):
        call_command("import_roster", str(tmp_path / "x.xlsx"), "--as", "community")
    call_command("import_roster", str(good), "--as", "community")
    assert Member.objects.count() == 2


def test_command_process_exit_status(tree, tmp_path):
    """The real process exits 1 on a refused file (CommandError), 0 otherwise."""
    import os
    import subprocess
    import sys
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    if connection.vendor == "postgresql":  # the process reads the test database
        s = connection.settings_dict
        env["DATABASE_URL"] = (f"postgres://{quote(s['USER'] or '')}@{s['HOST'] or '127.0.0.1'}:"
                               f"{s['PORT'] or 5432}/{s['NAME']}")
    else:  # the in-memory test database cannot be shared: give the process a migrated file of its own
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'command.sqlite3'}"
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, capture_output=True,
                       cwd=settings.BASE_DIR, timeout=300, env=env)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00junk")
    proc = subprocess.run([sys.executable, "manage.py", "import_roster", str(bad), "--as", "nobody-here"],
                          capture_output=True, cwd=settings.BASE_DIR, timeout=60, env=env)
    assert proc.returncode == 1, proc.stderr[-500:]
    assert b"nobody-here" in proc.stderr  # refused for the stated reason, not a crash


def test_background_task_runs_the_same_import(tree):
    from org.services.imports import roster_import_enqueue

    record = roster_import_enqueue(actor=tree.users["community"], content=xlsx([row(n) for n in ids(3)]),
                                   filename="bg.xlsx", unit=tree.c1)
    record.refresh_from_db()
    assert record.state == ImportState.COMPLETED and record.created == 3 and record.progress == 3
    assert Member.objects.count() == 3
    assert not record.file  # the stored upload (plaintext ID numbers) is gone once the import ran


def test_background_preview_keeps_the_file_until_confirmed(tree):
    from org.services.imports import roster_import_enqueue

    record = roster_import_enqueue(actor=tree.users["community"], content=xlsx([row(n) for n in ids(2)]),
                                   filename="bg.xlsx", unit=tree.c1, dry_run=True)
    record.refresh_from_db()
    assert record.state == ImportState.PREVIEWED and record.file
    bad = roster_import_enqueue(actor=tree.users["community"], content=b"not a sheet", filename="bad.xlsx",
                                unit=tree.c1, dry_run=True)
    bad.refresh_from_db()
    assert bad.state == ImportState.REFUSED and not bad.file


def test_broker_outage_gives_a_clear_error_and_no_upload(tree, settings, monkeypatch):
    """A real, unreachable broker (nothing listens on port 1): no mock of our own broker."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration (CI sets it).
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    from org.services.imports import ImportQueueUnavailable, roster_import_enqueue
    from suxian.celery import app

    keys = ("task_always_eager", "broker_url", "broker_transport_options", "broker_connection_retry",
            "broker_connection_max_retries")
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0",
                    broker_transport_options={"max_retries": 0, "socket_connect_timeout": 0.5},
                    broker_connection_retry=False, broker_connection_max_retries=0)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved_pools = (app._pool, app.amqp._producer_pool)
    app._pool = app.amqp._producer_pool = None  # connection pools made for the eager runs
    try:
        started = time.monotonic()
        with pytest.raises(ImportQueueUnavailable):
            roster_import_enqueue(actor=tree.users["community"], content=xlsx([row(n) for n in ids(2)]),
                                  filename="bg.xlsx", unit=tree.c1)
        assert time.monotonic() - started < 15
    finally:
        app.conf.update(saved)
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool, app.amqp._producer_pool = saved_pools
    record = ImportRecord.objects.get()
    assert record.state == ImportState.FAILED and not record.file and Member.objects.count() == 0
