"""Workbooks of the work system, written by ``core.exports.write_xlsx_sheets`` (the one xlsx writer:
cells neutralised against formula injection, a text starting with = + - @ tab or CR stays text)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import write_xlsx_sheets

from ..choices import AssignmentRole
from ..services.dispatch import SHEET_NUMBERS


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
    return write_xlsx_sheets([
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
