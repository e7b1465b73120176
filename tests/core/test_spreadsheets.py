import datetime
import io
import struct
import time
import zipfile

import openpyxl
import pytest

from core.spreadsheets import Row, SpreadsheetError, open_table, require_columns

HEADERS = ["姓名", "身份证号", "手机号", "入党日期"]


def make_xlsx(path, rows, *, start_row=1):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=start_row + offset, column=col, value=value)
    workbook.save(path)
    return path


def rewrite_zip(src, dst, replace):
    """Copy an xlsx, replacing (or adding) the bytes of some entries."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = [info.filename for info in zin.infolist()]
        for name in names:
            zout.writestr(name, replace.get(name, zin.read(name)))
        for name, data in replace.items():
            if name not in names:
                zout.writestr(name, data)
    return dst


def code_of(*args, **kwargs):
    with pytest.raises(SpreadsheetError) as info:
        table = open_table(*args, **kwargs)
        list(table)
    assert info.value.message and str(info.value) == info.value.message
    return info.value.code


def test_xlsx_types_numbers_and_blank_rows(tmp_path):
    path = make_xlsx(
        tmp_path / "members.xlsx",
        [
            [" 姓名 ", "身份证号", "手机号", "入党日期"],
            ["  张三 ", "11010519491231002X", 13812345678, datetime.date(2001, 7, 1)],
            [None, None, None, None],
            ["李四", 430102199001011238, "13912345678", datetime.datetime(2010, 7, 1, 9, 30)],
            ["王五", 35.5, "", None],
        ],
    )
    table = open_table(path, filename="花名册.xlsx")
    assert table.headers == HEADERS
    assert table.row_count == 4  # rows 2..5, the blank one included
    rows = list(table)
    assert [r.number for r in rows] == [2, 4, 5]  # row 3 is blank: skipped, numbering kept
    assert isinstance(rows[0], Row)
    first = rows[0].values
    assert first == {"姓名": "张三", "身份证号": "11010519491231002X", "手机号": 13812345678,
                     "入党日期": datetime.date(2001, 7, 1)}
    # An ID typed as a number arrives as a number (so normalize_id_number can say "excel_number").
    assert isinstance(rows[1].values["身份证号"], (int, float))
    assert rows[1].values["入党日期"] == datetime.datetime(2010, 7, 1, 9, 30)
    assert rows[2].values["身份证号"] == 35.5 and rows[2].values["入党日期"] == ""
    # Iterating again gives the same rows.
    assert [r.number for r in table] == [2, 4, 5]


def test_xlsx_row_numbers_when_table_starts_lower(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [HEADERS, ["张三", "x", "y", "z"]], start_row=3)
    table = open_table(path, filename="t.xlsx")
    assert table.headers == HEADERS
    assert [r.number for r in table] == [4]


def test_header_row_argument(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [["苏仙区党员花名册"], HEADERS, ["张三", "a", "b", "c"]])
    table = open_table(path, filename="t.xlsx", header_row=2)
    assert table.headers == HEADERS
    assert [(r.number, r.values["姓名"]) for r in table] == [(3, "张三")]


def test_sources_bytes_and_filelike(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [HEADERS, ["张三", "a", "b", "c"]])
    data = path.read_bytes()
    for source in (data, io.BytesIO(data), str(path)):
        assert [r.values["姓名"] for r in open_table(source, filename="t.xlsx")] == ["张三"]


def test_django_uploaded_file(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = make_xlsx(tmp_path / "t.xlsx", [HEADERS, ["张三", "a", "b", "c"]]).read_bytes()
    upload = SimpleUploadedFile("t.xlsx", data)
    assert [r.number for r in open_table(upload, filename=upload.name)] == [2]


CSV_ROWS = [HEADERS, ["张三", "11010519491231002X", "13812345678", "2001-07-01"], ["", "", "", ""],
            ["李四", "4.30102E+17", "", "2010-07-01"]]


def _csv_text(delimiter=","):
    return "\r\n".join(delimiter.join(row) for row in CSV_ROWS) + "\r\n"


def test_csv_encodings_give_identical_rows():
    text = _csv_text()
    variants = [text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("gbk"),
                text.encode("gb18030"), text.encode("utf-16")]
    results = []
    for data in variants:
        table = open_table(data, filename="花名册.csv")
        assert table.headers == HEADERS
        results.append([(r.number, r.values) for r in table])
    assert all(result == results[0] for result in results)
    assert [number for number, _ in results[0]] == [2, 4]
    # Excel's scientific notation arrives as text, for normalize_id_number to refuse.
    assert results[0][1][1]["身份证号"] == "4.30102E+17"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiters(delimiter):
    table = open_table(_csv_text(delimiter).encode("utf-8"), filename="a.CSV")
    assert table.headers == HEADERS
    assert [r.values["姓名"] for r in table] == ["张三", "李四"]


def test_csv_quoted_newline_keeps_row_numbers():
    data = '姓名,备注\r\n张三,"第一行\n第二行"\r\n李四,x\r\n'.encode()
    rows = list(open_table(data, filename="a.csv"))
    assert [(r.number, r.values["备注"]) for r in rows] == [(2, "第一行\n第二行"), (3, "x")]


def test_csv_bad_encoding():
    assert code_of(b"\xff\xff\xff\x80\x80,\xfe\n", filename="a.csv") == "encoding"


def test_excel_file_named_csv(tmp_path):
    data = make_xlsx(tmp_path / "t.xlsx", [HEADERS]).read_bytes()
    assert code_of(data, filename="a.csv") == "bad_format"


@pytest.mark.parametrize("filename", ["a.xls", "a.txt", "a.xlsm", "a", "a.xlsx.exe", "a.ods"])
def test_bad_extension(filename):
    assert code_of(b"whatever", filename=filename) == "bad_format"


def test_not_a_zip(tmp_path):
    assert code_of(b"PK\x03\x04 garbage", filename="a.xlsx") == "bad_format"
    assert code_of(b"<html></html>", filename="a.xlsx") == "bad_format"


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b",,,\r\n,,\r\n"])
def test_empty(data):
    assert code_of(data, filename="a.csv") == "empty"


def test_empty_xlsx(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [])
    assert code_of(path, filename="t.xlsx") == "empty"


def test_duplicate_columns():
    assert code_of("姓名,姓名\r\n张三,李四\r\n".encode(), filename="a.csv") == "duplicate_columns"


def test_missing_columns():
    table = open_table("姓名,手机号\r\n张三,1\r\n".encode(), filename="a.csv")
    require_columns(table, ["姓名"])
    with pytest.raises(SpreadsheetError) as info:
        require_columns(table, ["姓名", "身份证号", "入党日期"])
    assert info.value.code == "missing_columns"
    assert info.value.params["columns"] == ["身份证号", "入党日期"]


# --- size limits -------------------------------------------------------------------------------------


class HugeUpload(io.RawIOBase):
    """Claims to be 5 GB; any read beyond a few bytes fails the test."""

    size = 5 * 1024**3

    def __init__(self):
        self.position = 0

    def seekable(self):
        return True

    def readable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self):
        return self.position

    def read(self, n=-1):
        if n < 0 or n > 8:
            pytest.fail(f"read({n}) on a file that is too large")
        return b"\0" * n

    def readinto(self, buffer):
        pytest.fail("readinto() on a file that is too large")


@pytest.mark.parametrize("filename", ["big.xlsx", "big.csv"])
def test_too_large_filelike_not_read(filename):
    assert code_of(HugeUpload(), filename=filename) == "too_large"


def test_too_large_sparse_file(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1024 * 1024
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: takes no disk space
    started = time.perf_counter()
    assert code_of(path, filename="big.xlsx") == "too_large"
    assert time.perf_counter() - started < 0.5


def test_too_large_bytes():
    assert code_of(b"a,b\r\n" * 100, filename="a.csv", max_bytes=100) == "too_large"


def test_too_many_rows_xlsx(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [HEADERS] + [["张三", "a", "b", "c"]] * 11)
    assert code_of(path, filename="t.xlsx", max_rows=10) == "too_many_rows"
    assert len(list(open_table(path, filename="t.xlsx", max_rows=11))) == 11


def test_too_many_rows_csv():
    data = ("姓名\r\n" + "张三\r\n" * 11).encode()
    assert code_of(data, filename="a.csv", max_rows=10) == "too_many_rows"
    assert len(list(open_table(data, filename="a.csv", max_rows=11))) == 11
    # Many line breaks inside one quoted cell are not rows.
    quoted = ('姓名,备注\r\n张三,"' + "\n" * 50 + '"\r\n').encode()
    assert len(list(open_table(quoted, filename="a.csv", max_rows=10))) == 1


# --- zip bombs -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """An xlsx-shaped zip whose sheet inflates to 1 GB of zeros (about 1 MB on disk)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            for _ in range(1024):
                entry.write(chunk)
    return path


def test_zip_bomb_refused_fast(zip_bomb, settings):
    assert zip_bomb.stat().st_size < 3 * 1024 * 1024
    started = time.perf_counter()
    assert code_of(zip_bomb, filename="bomb.xlsx") == "zip_bomb"
    assert time.perf_counter() - started < 0.5
    # Even with a generous total limit, the per-entry ratio gives it away.
    started = time.perf_counter()
    assert code_of(zip_bomb, filename="bomb.xlsx", max_uncompressed=4 * 1024**3) == "zip_bomb"
    assert time.perf_counter() - started < 0.5


def test_total_uncompressed_limit(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [HEADERS, ["张三", "a", "b", "c"]])
    assert code_of(path, filename="t.xlsx", max_uncompressed=1000) == "zip_bomb"


def test_too_many_entries(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(1001):
            archive.writestr(f"xl/media/{i}.bin", b"")
    assert code_of(path, filename="many.xlsx") == "zip_bomb"


def test_lying_size_header_is_a_bomb(tmp_path):
    """The central directory says 1 KB, the deflate stream holds 8 MB: refused, not inflated."""
    src = make_xlsx(tmp_path / "t.xlsx", [HEADERS, ["张三", "a", "b", "c"]])
    path = tmp_path / "lying.xlsx"
    payload = b"<worksheet>" + b" " * (8 * 1024 * 1024)
    rewrite_zip(src, path, {"docProps/custom.xml": payload})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("docProps/custom.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1024)  # local header: uncompressed size
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == b"docProps/custom.xml":
            struct.pack_into("<I", data, central + 24, 1024)  # central directory: uncompressed size
            break
        central = data.find(b"PK\x01\x02", central + 4)
    assert central >= 0
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo("docProps/custom.xml").file_size == 1024
    assert code_of(bytes(data), filename="lying.xlsx") == "zip_bomb"


# --- XML attacks --------------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""

XXE = b"""<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>"""


@pytest.fixture
def base_xlsx(tmp_path):
    return make_xlsx(tmp_path / "base.xlsx", [HEADERS, ["张三", "a", "b", "c"]])


@pytest.mark.parametrize(
    "entry,payload",
    [
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        ("xl/sharedStrings.xml", XXE),
        ("xl/workbook.xml", b'<!DOCTYPE workbook SYSTEM "http://evil.example/x.dtd"><workbook/>'),
        # Pushed past the first kilobytes by a long comment: still in the prologue, still found.
        ("xl/worksheets/sheet1.xml", b"<?xml version='1.0'?><!--" + b"x" * 20000 + b"-->" + BILLION_LAUGHS[38:]),
        # UTF-16 with a BOM.
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS.decode().replace("UTF-8", "UTF-16").encode("utf-16")),
        ("xl/styles.xml", b"\xef\xbb\xbf  <!doctype x [<!ENTITY a 'b'>]><styleSheet/>"),
    ],
)
def test_xml_attacks(tmp_path, base_xlsx, entry, payload):
    path = rewrite_zip(base_xlsx, tmp_path / "evil.xlsx", {entry: payload})
    assert code_of(path, filename="evil.xlsx") == "xml_attack"


def test_doctype_text_inside_a_cell_is_data(tmp_path):
    path = make_xlsx(tmp_path / "t.xlsx", [["备注"], ["<!DOCTYPE x [<!ENTITY a 'b'>]>"]])
    assert [r.values["备注"] for r in open_table(path, filename="t.xlsx")] == ["<!DOCTYPE x [<!ENTITY a 'b'>]>"]


def test_hidden_first_sheet_is_skipped(tmp_path):
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "选项"
    hidden["A1"] = "内部"
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("花名册")
    visible.append(HEADERS)
    visible.append(["张三", "a", "b", "c"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    table = open_table(path, filename="t.xlsx")
    assert table.sheet_name == "花名册" and table.headers == HEADERS
