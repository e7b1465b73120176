"""Workbooks of the work system. Cells go through ``core.exports`` value handling, which neutralises
formula injection (a text starting with = + - @ tab or CR stays text)."""
from __future__ import annotations

import io

from django.utils.translation import gettext as _

from core.exports import _sheet_title, _xlsx_value

from ..choices import AssignmentRole
from ..services.dispatch import SHEET_NUMBERS


def write_workbook(sheets: list[tuple[str, list, list]]) -> bytes:
    """Several sheets ``(title, headers, rows)`` in one .xlsx, bold headers, first row frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, headers, rows in sheets:
        ws = workbook.create_sheet(title=_sheet_title(title))
        ws.append([_xlsx_value(h) for h in headers])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
        ws.freeze_panes = "A2"
        for index, header in enumerate(headers, start=1):
            ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = max(12, min(40, 2 * len(str(header)) + 4))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_number_labels() -> dict:
    from ..models import DispatchSheet

    return {name: str(DispatchSheet._meta.get_field(name).verbose_name) for name in SHEET_NUMBERS}


def dispatch_sheet_workbook(sheet, data: dict) -> bytes:
    """The dispatch sheet: summary numbers (key, label, value), cases by category, visit coverage per
    community, per cadre, and the tasks due — all from the stored sheet, i.e. from the records."""
    labels = sheet_number_labels()
    target = sheet.department.name if sheet.department_id else sheet.unit.name
    summary = [["period", _("Month"), sheet.period], ["target", _("Street or department"), target],
               ["as_of", _("As of"), data.get("as_of") or ""]]
    summary += [[name, labels[name], getattr(sheet, name)] for name in SHEET_NUMBERS]
    roles = dict(AssignmentRole.choices)
    return write_workbook([
        (_("Summary"), [_("Key"), _("Item"), _("Value")], summary),
        (_("Cases by category"), [_("Category"), _("New cases"), _("Open cases")],
         [[r["label"], r["new"], r["open"]] for r in data["by_category"]]),
        (_("Visit coverage"), [_("Code"), _("Community"), _("Visits"), _("Households visited"), _("Cadres who visited")],
         [[r["code"], r["name"], r["visits"], r["households"], r["cadres"]] for r in data["coverage"]]),
        (_("Cadres"), [_("Cadre"), _("Community"), _("Visits")],
         [[r["name"], r["community"], r["visits"]] for r in data["cadres"]]),
        (_("Tasks due"), [_("Letter"), _("Key task"), _("Role"), _("Deadline")],
         [[t["number"], f'{t["task_number"]}. {t["task"]}', roles.get(t["role"], t["role"]), t["deadline"]]
          for t in data["tasks"]]),
    ])
