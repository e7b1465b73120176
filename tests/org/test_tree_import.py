import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import AuditLog
from core.testing import Case, run_matrix_case, table_fingerprint
from org.models import OrgUnit
from org.tree_import import COLUMNS, RowStatus, tree_import

pytestmark = pytest.mark.django_db


def make_csv(rows, encoding="utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow(list(r) + [""] * (len(COLUMNS) - len(r)))
    return buf.getvalue().encode(encoding)


GOOD = [
    ("P1-2", "C1", "小区", "新建小区", "党支部", "新建小区党支部", "李四", "300"),
    ("P1-2-1", "P1-2", "楼栋", "1栋"),
    ("P1-2-2", "P1-2", "楼栋", "2栋", "党小组"),
]


def run(actor, content: bytes, commit=True, name="tree.csv"):
    return tree_import(actor=actor, source=io.BytesIO(content), filename=name, commit=commit)


def test_valid_file_imports_all_rows(tree):
    result = run(tree.users["community"], make_csv(GOOD))
    assert result.ok and result.committed, result.errors
    new = OrgUnit.objects.get(code="P1-2")
    assert new.parent_id == tree.c1.pk and new.party_org_type == "branch" and new.households == 300
    assert OrgUnit.objects.get(code="P1-2-2").compound_anc_id == new.pk
    OrgUnit.objects.rebuild()
    assert OrgUnit.objects.get(code="P1-2-1").get_ancestors().filter(pk=tree.c1.pk).exists()
    assert AuditLog.objects.filter(kind="import", action="org_unit.import").count() == 1
    assert AuditLog.objects.filter(action="org_unit.create").count() >= 3


def test_preview_writes_nothing(tree):
    before = table_fingerprint([OrgUnit, AuditLog])
    result = run(tree.users["community"], make_csv(GOOD), commit=False)
    assert result.ok and not result.committed
    assert [r.status for r in result.rows] == [RowStatus.NEW] * 3
    assert table_fingerprint([OrgUnit, AuditLog]) == before


def test_children_before_parents_in_file_order_still_work(tree):
    result = run(tree.users["community"], make_csv(list(reversed(GOOD))))
    assert result.committed, result.errors


@pytest.mark.parametrize(
    "bad_row,column",
    [
        (("X1", "NOPE", "小区", "x"), "上级编码"),  # unknown parent
        (("X1", "C2", "小区", "x"), "上级编码"),  # out-of-scope parent: same error as unknown
        (("X1", "C1", "楼栋", "x"), "上级编码"),  # wrong level
        (("X1", "C1", "大楼", "x"), "类型"),  # unknown kind
        (("X1", "C1", "小区", ""), "名称"),  # missing name
        (("P1-2", "C1", "小区", "dup"), "编码"),  # duplicate within the file
        (("P2", "C1", "小区", "x"), "编码"),  # code used outside the importer's scope
        (("X1", "C1", "小区", "x", "党小队"), "党组织类型"),
        (("X1", "C1", "小区", "x", "", "", "", "many"), "户数"),
    ],
)
def test_one_bad_row_commits_nothing(tree, bad_row, column):
    before = table_fingerprint([OrgUnit])
    result = run(tree.users["community"], make_csv(GOOD + [bad_row]))
    assert not result.ok and not result.committed
    bad = result.rows[-1]
    assert bad.status == RowStatus.ERROR and bad.number == 5
    assert any(column in e and "5" in e for e in bad.errors), bad.errors
    assert table_fingerprint([OrgUnit]) == before


def test_unknown_and_out_of_scope_parent_give_the_same_error(tree):
    a = run(tree.users["community"], make_csv([("X1", "NOPE", "小区", "x")]), commit=False).rows[0].errors
    b = run(tree.users["community"], make_csv([("X1", "C2", "小区", "x")]), commit=False).rows[0].errors
    assert a == b


def test_existing_code_updates_and_unchanged_rows_are_skipped(tree):
    same = [("P1", "C1", "小区", "爱莲湖小区", "党支部")]
    assert run(tree.users["community"], make_csv(same), commit=False).rows[0].status == RowStatus.UNCHANGED
    rows = [("P1", "C1", "小区", "爱莲湖小区一期", "党支部", "", "", "650")]
    result = run(tree.users["community"], make_csv(rows), commit=False)
    assert result.rows[0].status == RowStatus.UPDATE
    assert run(tree.users["community"], make_csv(rows)).committed
    unit = OrgUnit.objects.get(code="P1")
    assert (unit.name, unit.households) == ("爱莲湖小区一期", 650)
    again = run(tree.users["community"], make_csv(rows), commit=False)
    assert again.rows[0].status == RowStatus.UNCHANGED


def test_gbk_csv_reads_the_same(tree):
    utf = run(tree.users["community"], make_csv(GOOD), commit=False)
    gbk = run(tree.users["community"], make_csv(GOOD, encoding="gbk"), commit=False)
    assert [(r.code, r.name, r.status) for r in utf.rows] == [(r.code, r.name, r.status) for r in gbk.rows]


def test_bad_file_is_a_file_error(tree):
    result = run(tree.users["community"], b"not a spreadsheet", name="x.xlsx")
    assert result.file_error and not result.committed


def test_command_exit_codes(tree, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(make_csv(GOOD))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(make_csv(GOOD + [("X1", "C2", "小区", "x")]))
    with pytest.raises(CommandError):
        call_command("import_tree", str(bad), "--as", "community")
    assert not OrgUnit.objects.filter(code="P1-2").exists()
    call_command("import_tree", str(good), "--as", "community", "--dry-run")
    assert not OrgUnit.objects.filter(code="P1-2").exists()
    call_command("import_tree", str(good), "--as", "community")
    assert OrgUnit.objects.filter(code="P1-2").exists()


def _upload(t):
    return {"file": SimpleUploadedFile("tree.csv", make_csv([("NEW-1", "P1", "楼栋", "9栋")]), content_type="text/csv")}


class TestImportViewMatrix:
    importers = {"district", "street", "community", "community2", "other_street"}
    matrix_cases = [
        Case("import_page", lambda t: "/org/import/", importers),
        Case("import_template", lambda t: "/org/import/template/", importers),
        Case("import_preview", lambda t: "/org/import/", {"district", "street", "community"}, method="post",
             data=_upload, denied_status=(400, 404)),
    ]

    def test_matrix(self, client, tree, persona, case):
        run_matrix_case(client, tree, persona, case)


def test_preview_then_confirm_in_the_browser_flow(client, tree):
    client.force_login(tree.users["community"])
    r = client.post("/org/import/", _upload(tree))
    assert r.status_code == 200 and r.context["result"].ok
    assert not OrgUnit.objects.filter(code="NEW-1").exists()
    r = client.post("/org/import/", {"confirm": "1", "token": r.context["token"]})
    assert r.status_code == 302
    assert OrgUnit.objects.get(code="NEW-1").parent_id == tree.p1.pk
    # the token is single-use
    r = client.post("/org/import/", {"confirm": "1", "token": "nope"})
    assert r.status_code == 302 and OrgUnit.objects.filter(code="NEW-1").count() == 1
