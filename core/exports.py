"""Writing exports (xlsx, CSV) safely.

Every cell goes through ``safe_cell``: a text cell that starts with ``= + - @``, tab or carriage return
would be run as a formula by Excel/WPS (CSV/formula injection, e.g. ``=HYPERLINK(...)``), so it gets a
leading apostrophe and stays text. Numbers, dates and booleans are written as they are.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Characters that are not allowed in XML 1.0 (openpyxl refuses them with IllegalCharacterError).
_ILLEGAL_XML_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_BAD_RE = re.compile(r"[\[\]:*?/\\]")
_UTF8_BOM = "\ufeff"


def safe_cell(value):
    """Neutralise formula injection: a str starting with = + - @ tab or CR gets a leading ``'``.

    Lazy translation strings are turned into str first; other values (numbers, dates, None) are returned
    unchanged.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _xlsx_value(value):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            # Excel has no time zones: write the local wall-clock time.
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        return value
    if not isinstance(value, str):
        value = str(value)  # Decimal, UUID, lazy strings, model instances...
    # Drop control characters first, so that "\x01=cmd" cannot turn into a formula once cleaned.
    return safe_cell(_ILLEGAL_XML_RE.sub("", value))


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, datetime.date, datetime.time)):
        return value
    return safe_cell(str(value))


def _sheet_title(title: str) -> str:
    cleaned = _SHEET_TITLE_BAD_RE.sub("_", str(title)).strip("'")[:31]
    return cleaned or "Sheet1"


def _display_width(text: str) -> int:
    # CJK characters are about two Latin characters wide.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_xlsx(headers: list[str], rows: Iterable[Iterable], *, sheet_title: str = "Sheet1") -> bytes:
    """An .xlsx of one sheet (see ``write_xlsx_sheets``)."""
    return write_xlsx_sheets([(sheet_title, headers, rows)])


def write_xlsx_sheets(sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]]) -> bytes:
    """An .xlsx of one or more sheets ``(title, headers, rows)``, each with a bold header row frozen at
    the top, written in openpyxl write-only mode (memory stays flat while rows stream in; only the
    finished file is held in memory). The one xlsx writer of the project."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
        headers = [str(h) if h is not None else "" for h in headers]
        for index, header in enumerate(headers, start=1):
            width = min(max(_display_width(header) + 4, 10), 60)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value):
        return value


def iter_csv(headers: list[str], rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The CSV of ``write_csv`` as a stream of byte chunks (for ``StreamingHttpResponse``)."""
    writer = csv.writer(_Echo())
    yield (_UTF8_BOM + writer.writerow([_csv_value(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row]).encode("utf-8")


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """CSV in UTF-8 with a BOM (so that Excel shows Chinese correctly), CRLF line ends."""
    return b"".join(iter_csv(headers, rows))
