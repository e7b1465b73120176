import csv
import datetime
import decimal
import io
import zoneinfo

import openpyxl
import pytest

from core.exports import iter_csv, safe_cell, write_csv, write_xlsx


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil.example","点我")', '\'=HYPERLINK("http://evil.example","点我")'),
        ("+8613812345678", "'+8613812345678"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("张三", "张三"),
        ("a=1", "a=1"),
        ("", ""),
        ("430***********123X", "430***********123X"),
    ],
)
def test_safe_cell_strings(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", [-5, 3.5, -0.25, 0, True, None, datetime.date(2020, 1, 1), decimal.Decimal("-1.5")])
def test_safe_cell_leaves_non_strings(value):
    assert safe_cell(value) is value


ROWS = [
    ["张三", "=cmd|' /C calc'!A0", -5, datetime.date(2001, 7, 1)],
    ["李四", "@evil", 3.5, None],
    ["王五", "\x01=1+1", 0, datetime.datetime(2024, 1, 2, 3, 4, tzinfo=zoneinfo.ZoneInfo("UTC"))],
]


def test_xlsx_round_trip(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    data = write_xlsx(["姓名", "=备注", "分数", "日期"], iter(ROWS), sheet_title="党员/名单")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("姓名", "'=备注", "分数", "日期")
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert values[1] == ("张三", "'=cmd|' /C calc'!A0", -5, datetime.datetime(2001, 7, 1))
    assert values[2] == ("李四", "'@evil", 3.5, None)
    assert values[3][1] == "'=1+1"  # the control character is dropped first, then escaped
    assert values[3][3] == datetime.datetime(2024, 1, 2, 11, 4)  # local time, naive
    # No cell is a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "/" not in sheet.title


def test_xlsx_many_rows_generator():
    data = write_xlsx(["n"], ([i] for i in range(5000)))
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == 5001


def test_csv_bom_and_escaping():
    data = write_csv(["姓名", "备注", "分数"], [["张三", "=1+1", -5], ["李四", "+86 138", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["姓名", "备注", "分数"], ["张三", "'=1+1", "-5"], ["李四", "'+86 138", ""]]
    assert b"".join(iter_csv(["姓名", "备注", "分数"], [["张三", "=1+1", -5], ["李四", "+86 138", None]])) == data


def test_csv_reads_back_through_open_table():
    from core.spreadsheets import open_table

    data = write_csv(["姓名", "身份证号"], [["张三", "11010519491231002X"]])
    table = open_table(data, filename="export.csv")
    assert [r.values for r in table] == [{"姓名": "张三", "身份证号": "11010519491231002X"}]
