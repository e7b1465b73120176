"""Safe reading of uploaded tables (.xlsx and .csv) for the imports.

``open_table`` makes every check that can be made before parsing, before parsing:

1. the extension (.xlsx or .csv, else ``bad_format``);
2. the byte size, from ``stat``/``seek``/``len`` — a huge upload is refused without being read
   (``too_large``);
3. for .xlsx, the zip central directory: number of entries, sum of declared uncompressed sizes and the
   per-entry compression ratio — a zip bomb is refused in milliseconds, without decompressing
   (``zip_bomb``); then one bounded streaming pass over the entries checks that no entry inflates to
   more than it declares (a lying header is a zip bomb too) and that no XML part carries a DOCTYPE /
   ENTITY declaration (billion laughs, external entities: ``xml_attack``). A DOCTYPE can only appear
   in an XML document's prologue, before the root element, so scanning the prologue is complete;
4. only then is the workbook handed to python-calamine (fast, keeps cell types: numbers stay
   int/float so that an ID number Excel turned into a number can be detected; dates stay dates).

CSV is decoded as UTF-8 (with or without BOM), then GB18030 (a superset of GBK/GB2312); a UTF-16 file with
a BOM (Excel's "Unicode text") is accepted too. The delimiter (comma, tab or semicolon) is sniffed from the
header line.

Rows are numbered as the user sees them in Excel (the header is usually row 1, the first data row 2);
fully blank rows are skipped but keep their numbers.
"""
from __future__ import annotations

import csv
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any, Callable, NamedTuple

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# Zip structure limits for .xlsx. A normal workbook has 10-30 entries; the ratio of a real sheet is
# below 30:1, a highly repetitive one below 150:1; 1 GB of zeros deflates at about 1000:1.
MAX_ZIP_ENTRIES = 1000
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # small entries may compress very well; only big ones are checked
# How much of each XML part is examined to find its root element (a real prologue is < 200 bytes).
PROLOGUE_SCAN_BYTES = 64 * 1024
_CHUNK = 256 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_CSV_DELIMITERS = (",", "\t", ";")
_EXCEL_SAFE_INT = 10**15  # Excel keeps 15 significant digits


class SpreadsheetError(Exception):
    """A file that cannot be imported. ``code`` is stable (tests, API); ``message`` is translated."""

    def __init__(self, code: str, message: str, **params: Any):
        self.code = code
        self.params = params
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"SpreadsheetError(code={self.code!r})"


class Row(NamedTuple):
    number: int  # the row number shown by Excel (1-based)
    values: dict[str, object]  # header -> value; strings stripped, empty cells ""


def _too_many_rows(max_rows: int) -> SpreadsheetError:
    return SpreadsheetError(
        "too_many_rows",
        gettext("The file has more than %(limit)s data rows. Split it into smaller files.") % {"limit": max_rows},
        limit=max_rows,
    )


def _bad_format(message: str | None = None) -> SpreadsheetError:
    return SpreadsheetError(
        "bad_format",
        message
        or gettext(
            "The file is not a valid .xlsx or .csv file (it may be damaged, password-protected, "
            "or an old .xls file renamed)."
        ),
    )


def _zip_bomb() -> SpreadsheetError:
    return SpreadsheetError(
        "zip_bomb",
        gettext("The workbook expands to an unreasonable size when opened and was refused."),
    )


def _xml_attack() -> SpreadsheetError:
    return SpreadsheetError(
        "xml_attack",
        gettext("The workbook contains XML declarations that are not allowed (DOCTYPE/ENTITY) and was refused."),
    )


# ---------------------------------------------------------------------------------------------------------
# Cell cleaning


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().strip("\u200b\ufeff").strip()
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXCEL_SAFE_INT:
        # Excel stores every number as a float: 35.0 is 35. Larger ones stay float, visibly lossy.
        return int(value)
    if value is None:
        return ""
    return value


def _header_text(value: Any) -> str:
    value = _clean_value(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


class Table:
    """A parsed table: ``headers`` (stripped), ``row_count`` and iteration over ``Row``.

    ``row_count`` is the number of sheet rows below the header up to the last non-empty one (blank rows
    included, which iteration skips), or None when it is not known without a full pass (CSV).
    Iterating again starts again from the first data row.
    """

    def __init__(
        self,
        *,
        headers: list[str],
        header_row: int,
        row_count: int | None,
        max_rows: int,
        raw_rows: Callable[[], Iterator[tuple[int, list]]],
        format: str,  # noqa: A002 - the attribute it sets (Table.format) is public API
        filename: str,
        sheet_name: str | None = None,
    ):
        self.headers = headers
        self.header_row = header_row
        self.row_count = row_count
        self.max_rows = max_rows
        self.format = format
        self.filename = filename
        self.sheet_name = sheet_name
        self._raw_rows = raw_rows
        # Columns with a blank header carry no field: their cells are ignored.
        self._columns = [(index, name) for index, name in enumerate(headers) if name]

    def __repr__(self) -> str:
        return f"<Table {self.filename!r} {self.format} headers={self.headers!r} row_count={self.row_count}>"

    def __iter__(self) -> Iterator[Row]:
        columns = self._columns
        for number, cells in self._raw_rows():
            if number - self.header_row > self.max_rows:
                raise _too_many_rows(self.max_rows)
            width = len(cells)
            values = {name: (_clean_value(cells[index]) if index < width else "") for index, name in columns}
            if all(v == "" for v in values.values()):
                continue
            yield Row(number, values)


def require_columns(table: Table, required: list[str]) -> None:
    """Raise ``SpreadsheetError("missing_columns")`` naming every required header the table lacks."""
    present = set(table.headers)
    missing = [name for name in required if name not in present]
    if missing:
        raise SpreadsheetError(
            "missing_columns",
            gettext("Required columns are missing: %(columns)s") % {"columns": "、".join(missing)},
            columns=missing,
        )


# ---------------------------------------------------------------------------------------------------------
# Source handling: size first, then (bounded) bytes


def _source_size(source) -> tuple[str | None, bytes | None, Any]:
    """Return (path, data, fileobj) with exactly one set, without reading anything."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source), None, None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return None, bytes(source), None
    if hasattr(source, "read"):
        return None, None, source
    raise TypeError("open_table() takes a path, bytes or a file-like object")


def _fileobj_size(fileobj) -> int | None:
    seekable = getattr(fileobj, "seekable", None)
    try:
        can_seek = seekable() if callable(seekable) else hasattr(fileobj, "seek")
    except (OSError, ValueError):
        can_seek = False
    if can_seek:
        try:
            size = fileobj.seek(0, io.SEEK_END)
            if size is None:
                size = fileobj.tell()
            fileobj.seek(0)
            return int(size)
        except (OSError, ValueError, AttributeError):
            pass
    size = getattr(fileobj, "size", None)
    return int(size) if isinstance(size, int) else None


def _too_large(size: int | None, limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        "too_large",
        gettext("The file is too large (the limit is %(limit)s).") % {"limit": filesizeformat(limit)},
        size=size,
        limit=limit,
    )


def _load_bytes(source, max_bytes: int) -> bytes:
    path, data, fileobj = _source_size(source)
    if path is not None:
        try:
            stat = os.stat(path)
        except OSError as exc:
            raise _bad_format() from exc
        if stat.st_size > max_bytes:
            raise _too_large(stat.st_size, max_bytes)
        try:
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise _bad_format() from exc
    elif fileobj is not None:
        size = _fileobj_size(fileobj)
        if size is not None and size > max_bytes:
            raise _too_large(size, max_bytes)
        chunks, total = [], 0
        while total <= max_bytes:  # bounded even if the size was unknown or lied
            chunk = fileobj.read(min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            if isinstance(chunk, str):
                raise TypeError("open_table() needs a binary file object")
            chunks.append(chunk)
            total += len(chunk)
        data = b"".join(chunks)
    assert data is not None
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data


# ---------------------------------------------------------------------------------------------------------
# .xlsx: zip and XML checks


def _check_zip_directory(archive: zipfile.ZipFile, max_uncompressed: int) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _zip_bomb()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:  # encrypted entry
            raise _bad_format()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _bad_format()
        total += info.file_size
        if total > max_uncompressed:
            raise _zip_bomb()
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise _zip_bomb()
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise _bad_format()
    return infos


def _prologue_text(head: bytes) -> str:
    """Decode the start of an XML part just enough to find markup (ASCII in every supported encoding)."""
    if head.startswith((b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00")):
        raise _bad_format()  # UTF-32: no spreadsheet writes it
    if head.startswith(b"\xff\xfe") or head.startswith(b"<\x00"):
        body = head[2:] if head.startswith(b"\xff\xfe") else head
        return body[: len(body) // 2 * 2].decode("utf-16-le", errors="replace")
    if head.startswith(b"\xfe\xff") or head.startswith(b"\x00<"):
        body = head[2:] if head.startswith(b"\xfe\xff") else head
        return body[: len(body) // 2 * 2].decode("utf-16-be", errors="replace")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.decode("latin-1")


def _prologue_verdict(head: bytes) -> str:
    """"ok" (root element or not XML at all), "declaration" (<!DOCTYPE …) or "undetermined" (need more)."""
    text = _prologue_text(head)
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            return "undetermined"
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return "undetermined"
            i = end + 2
        elif text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return "undetermined"
            i = end + 3
        elif text.startswith("<!", i):
            return "declaration"  # <!DOCTYPE (with or without internal subset), or junk like <!ENTITY
        elif n - i < 2 and text[i] == "<":
            return "undetermined"
        else:
            return "ok"  # the root element starts (or this is not XML, e.g. an image)


def _verify_entries(handle, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every entry once, streaming and bounded by its declared size, scanning XML prologues."""
    for info in infos:
        handle.seek(info.header_offset)
        local = handle.read(30)
        if len(local) != 30 or local[:4] != _ZIP_MAGIC:
            raise _bad_format()
        name_length, extra_length = struct.unpack("<HH", local[26:30])
        handle.seek(info.header_offset + 30 + name_length + extra_length)

        declared = info.file_size
        remaining = info.compress_size
        produced = 0
        head = bytearray()
        verdict = "undetermined"
        inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == zipfile.ZIP_DEFLATED else None

        def take(output: bytes) -> None:
            nonlocal produced, verdict
            produced += len(output)
            if produced > declared:
                raise _zip_bomb()  # the header lied about the size
            if verdict == "undetermined" and len(head) < PROLOGUE_SCAN_BYTES:
                head.extend(output[: PROLOGUE_SCAN_BYTES - len(head)])
                verdict = _prologue_verdict(bytes(head))
                if verdict == "declaration":
                    raise _xml_attack()

        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                raise _bad_format()  # truncated
            remaining -= len(chunk)
            if inflater is None:
                take(chunk)
                continue
            pending = chunk
            while pending and not inflater.eof:
                try:
                    output = inflater.decompress(pending, declared - produced + 1)
                except zlib.error as exc:
                    raise _bad_format() from exc
                take(output)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        if inflater is not None and not inflater.eof and declared > 0:
            raise _bad_format()  # the deflate stream does not end where the entry does
        if produced != declared:
            raise _bad_format()
        if verdict == "undetermined" and len(head) >= PROLOGUE_SCAN_BYTES:
            raise _xml_attack()  # an absurdly long prologue: refuse rather than guess


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic into PanicException, which derives from BaseException.
    return type(exc).__name__ == "PanicException"


def _open_xlsx(data: bytes, *, filename: str, max_uncompressed: int, max_rows: int, header_row: int | None):
    if not data.startswith(_ZIP_MAGIC):
        raise _bad_format()
    handle = io.BytesIO(data)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _bad_format() from exc
    with archive:
        infos = _check_zip_directory(archive, max_uncompressed)  # before any decompression
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise _bad_format()
    _verify_entries(handle, infos)

    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            metadata = workbook.sheets_metadata
            worksheets = [m for m in metadata if m.typ == SheetTypeEnum.WorkSheet]
            visible = [m for m in worksheets if m.visible == SheetVisibleEnum.Visible]
            chosen = (visible or worksheets or [None])[0]
            if chosen is None:
                raise SpreadsheetError("empty", gettext("The file contains no data."))
            sheet = workbook.get_sheet_by_name(chosen.name)
        finally:
            workbook.close()
    except SpreadsheetError:
        raise
    except BaseException as exc:
        if isinstance(exc, Exception) or _is_panic(exc):
            raise _bad_format() from exc
        raise

    start, end = sheet.start, sheet.end
    if start is None or end is None:
        raise SpreadsheetError("empty", gettext("The file contains no data."))

    def raw_from(first_index: int) -> Iterator[tuple[int, list]]:
        # python-calamine's iter_rows() yields one list per sheet row from row 1 (leading empty rows
        # included), so the index gives the row number Excel shows.
        for index, cells in enumerate(sheet.iter_rows()):
            if index >= first_index:
                yield index + 1, cells

    header_number, headers = _find_header(raw_from(0), header_row)
    row_count = max(0, end[0] + 1 - header_number)
    if row_count > max_rows:  # the sheet's extent, before a single data row is read
        raise _too_many_rows(max_rows)
    return Table(
        headers=headers,
        header_row=header_number,
        row_count=row_count,
        max_rows=max_rows,
        raw_rows=lambda: raw_from(header_number),
        format="xlsx",
        filename=filename,
        sheet_name=sheet.name,
    )


def _find_header(raw: Iterator[tuple[int, list]], header_row: int | None) -> tuple[int, list[str]]:
    for number, cells in raw:
        if header_row is not None:
            if number < header_row:
                continue
        elif all(_clean_value(c) == "" for c in cells):
            continue
        headers = [_header_text(c) for c in cells]
        while headers and headers[-1] == "":
            headers.pop()
        if not any(headers):
            break
        seen, duplicates = set(), []
        for name in headers:
            if name and name in seen and name not in duplicates:
                duplicates.append(name)
            seen.add(name)
        if duplicates:
            raise SpreadsheetError(
                "duplicate_columns",
                gettext("Column names appear more than once: %(columns)s") % {"columns": "、".join(duplicates)},
                columns=duplicates,
            )
        return number, headers
    raise SpreadsheetError("empty", gettext("The file contains no data."))


# ---------------------------------------------------------------------------------------------------------
# .csv


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        for encoding in ("utf-8-sig", "gb18030"):  # utf-8-sig also reads UTF-8 without a BOM
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise SpreadsheetError(
        "encoding",
        gettext("The CSV file's text encoding is not recognised. Save it as UTF-8 (or GBK) and try again."),
    )


def _sniff_delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip(" ,;\t"):
            counts = {d: line.count(d) for d in _CSV_DELIMITERS}
            best = max(_CSV_DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (comma)
            return best if counts[best] else ","
    return ","


def _open_csv(data: bytes, *, filename: str, max_rows: int, header_row: int | None) -> Table:
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise _bad_format()  # an Excel workbook with a .csv name
    text = _decode_csv(data)
    if "\x00" in text:
        raise _bad_format()
    if not text.strip():
        raise SpreadsheetError("empty", gettext("The file contains no data."))
    delimiter = _sniff_delimiter(text)

    def raw_from(first_number: int) -> Iterator[tuple[int, list]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                if number >= first_number:
                    yield number, cells
        except csv.Error as exc:
            raise _bad_format() from exc

    header_number, headers = _find_header(raw_from(1), header_row)

    # Upper bound from line breaks (cheap); an exact count only if the bound says "maybe too many".
    line_bound = text.count("\n") + (0 if text.endswith("\n") else 1)
    if line_bound - header_number > max_rows:
        last = header_number
        for last, _cells in raw_from(header_number + 1):
            if last - header_number > max_rows:
                raise _too_many_rows(max_rows)

    return Table(
        headers=headers,
        header_row=header_number,
        row_count=None,
        max_rows=max_rows,
        raw_rows=lambda: raw_from(header_number + 1),
        format="csv",
        filename=filename,
    )


# ---------------------------------------------------------------------------------------------------------


_EXTENSION_RE = re.compile(r"\.([A-Za-z0-9]+)\s*$")


def open_table(
    source,
    *,
    filename: str,
    max_bytes: int | None = None,
    max_uncompressed: int | None = None,
    max_rows: int | None = None,
    header_row: int | None = None,
) -> Table:
    """Open an uploaded .xlsx (first visible worksheet) or .csv after the safety checks.

    ``source``: a path, bytes, or a binary file-like object (e.g. Django ``UploadedFile``; read from its
    start). Limits default to settings IMPORT_MAX_FILE_BYTES, IMPORT_MAX_UNCOMPRESSED_BYTES and
    IMPORT_MAX_ROWS. ``header_row`` (1-based) picks the header row; by default it is the first non-blank
    row. Raises ``SpreadsheetError``.
    """
    max_bytes = settings.IMPORT_MAX_FILE_BYTES if max_bytes is None else max_bytes
    max_uncompressed = settings.IMPORT_MAX_UNCOMPRESSED_BYTES if max_uncompressed is None else max_uncompressed
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows

    match = _EXTENSION_RE.search(filename or "")
    extension = match.group(1).lower() if match else ""
    if extension not in ("xlsx", "csv"):
        raise _bad_format(gettext("Only .xlsx and .csv files can be imported."))

    data = _load_bytes(source, max_bytes)
    if not data:
        raise SpreadsheetError("empty", gettext("The file contains no data."))
    if extension == "xlsx":
        return _open_xlsx(
            data, filename=filename, max_uncompressed=max_uncompressed, max_rows=max_rows, header_row=header_row
        )
    return _open_csv(data, filename=filename, max_rows=max_rows, header_row=header_row)
