"""Spreadsheet import of the social-organisation register (社会组织台账), through the shared machinery:
``core.spreadsheets.open_table`` (safe parsing), ``core.uploads`` (the upload kept between preview and
confirmation), ``org.imports.RowError`` ("第 N 行 列名：原因"). All-or-nothing: every row goes through
``services.social_org_create`` inside one transaction, rolled back for a preview or on any row error.
Community codes resolve only inside the importer's IMPORT scope under the chosen unit: an unknown
code and an out-of-scope code give the same row error. One audit row of kind ``import`` per run.

Columns (header names are the file format and stay Chinese):

==========================  ========  ==================================================
名称                        yes       the organisation's name
领域                        yes       育幼康养 / 助残养困 / 群众娱乐 / 群防群治 / 志愿服务 / 调解评议 / 其他
所在社区编码                yes       code of its community
负责人                      yes*      the leader's name (*not needed when the next column finds a member)
负责人身份证号或手机号                a party member leader, found in your scope (nothing stored from it)
成立日期                    yes       a date
备案状态                              未备案 / 已备案 / 已登记
备案登记号                            filing or registration number
孵化阶段                              培育中 / 已孵化 / 已备案登记 / 已出壳 (default 培育中)
==========================  ========  ==================================================
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import record as audit_record
from core.models import AuditLog
from core.scoping import Action, ScopeDenied, unit_in_scope
from core.spreadsheets import SpreadsheetError, open_table, require_columns
from org.choices import Level
from org.imports import RowError, parse_date
from org.models import OrgUnit

from .choices import FilingStatus, SocialField, Stage

COLUMNS = ["名称", "领域", "所在社区编码", "负责人", "负责人身份证号或手机号", "成立日期", "备案状态", "备案登记号", "孵化阶段"]
REQUIRED = ["名称", "领域", "所在社区编码", "成立日期"]
SAMPLE_ROW = ["爱莲湖好人协会", "志愿服务", "C1", "赵会长", "", "2024-05-01", "已备案", "苏仙岭备字001号", "已备案登记"]
FIELD_WORDS = {"育幼康养": SocialField.CHILD_ELDERLY, "助残养困": SocialField.DISABILITY_POVERTY,
               "群众娱乐": SocialField.RECREATION, "群防群治": SocialField.PUBLIC_SAFETY,
               "志愿服务": SocialField.VOLUNTEERING, "调解评议": SocialField.MEDIATION, "其他": SocialField.OTHER}
FILING_WORDS = {"": FilingStatus.NONE, "未备案": FilingStatus.NONE, "已备案": FilingStatus.FILED,
                "已登记": FilingStatus.REGISTERED}
STAGE_WORDS = {"": Stage.CULTIVATING, "培育中": Stage.CULTIVATING, "已孵化": Stage.INCUBATED,
               "已备案登记": Stage.FILED, "已出壳": Stage.GRADUATED, "已毕业": Stage.GRADUATED}
COLUMN_OF_FIELD = {"name": "名称", "field": "领域", "unit": "所在社区编码", "leader_name": "负责人",
                   "leader_member": "负责人身份证号或手机号", "founded_on": "成立日期", "stage_since": "成立日期",
                   "filing_status": "备案状态", "filing_no": "备案登记号", "stage": "孵化阶段",
                   NON_FIELD_ERRORS: "名称"}
KIND = "governance_social_orgs"


@dataclass
class ImportRow:
    number: int
    name: str
    unit_code: str
    status: str  # new / error


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: SpreadsheetError | None = None
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors and bool(self.rows)

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.errors} | ({self.file_error.code} if self.file_error else set())

    def summary(self) -> dict:
        return {"new": sum(r.status == "new" for r in self.rows),
                "error": sum(r.status == "error" for r in self.rows)}


class _Rollback(Exception):
    pass


def import_units(user):
    """The units a user may import the register into (with their subtree)."""
    return (OrgUnit.objects.for_user(user, Action.IMPORT)
            .filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY]).order_by("tree_id", "lft"))


def _word(words: dict, value, column: str, number: int, errors: list) -> str | None:
    text = str(value or "").strip()
    if text in words:
        return words[text]
    errors.append(RowError(number, column, "bad_choice",
                           _("“%(value)s” is not one of: %(choices)s") % {
                               "value": text, "choices": "、".join(w for w in words if w)}))
    return None


def social_org_import(*, actor, source, filename: str, unit, commit: bool = False) -> ImportResult:
    """Preview (``commit=False``) or import a register file for ``actor`` under ``unit``'s subtree.
    Bad input comes back in the result; ``ScopeDenied`` if the actor may not import into ``unit``."""
    from . import services
    from .selectors import member_lookup

    if unit is None or not unit_in_scope(actor, Action.IMPORT, unit, fresh=True):
        raise ScopeDenied(Action.IMPORT)
    unit = OrgUnit.objects.get(pk=unit.pk)
    result = ImportResult()
    try:
        table = open_table(source, filename=filename)
        require_columns(table, REQUIRED)
        rows = list(table)
    except SpreadsheetError as exc:
        result.file_error = exc
        rows = []
    if result.file_error is None and not rows:
        result.file_error = SpreadsheetError("empty", _("The file contains no data."))
    communities = {u.code: u for u in import_units(actor).filter(
        level=Level.COMMUNITY, tree_id=unit.tree_id, lft__gte=unit.lft, rght__lte=unit.rght,
        code__in={str(r.values.get("所在社区编码", "")).strip() for r in rows})}
    seen: set[tuple[int, str]] = set()
    try:
        with transaction.atomic():
            for row in rows:
                cells, errors = row.values, []
                name = str(cells.get("名称", "")).strip()
                code = str(cells.get("所在社区编码", "")).strip()
                community = communities.get(code)
                if community is None:
                    errors.append(RowError(row.number, "所在社区编码", "unknown_unit",
                                           _("No community with this code in your scope.")))
                field_value = _word(FIELD_WORDS, cells.get("领域"), "领域", row.number, errors)
                filing = _word(FILING_WORDS, cells.get("备案状态", ""), "备案状态", row.number, errors)
                stage = _word(STAGE_WORDS, cells.get("孵化阶段", ""), "孵化阶段", row.number, errors)
                try:
                    founded_on = parse_date(cells.get("成立日期"))
                    if founded_on is None:
                        errors.append(RowError(row.number, "成立日期", "required", _("This field is required.")))
                except ValueError:
                    founded_on = None
                    errors.append(RowError(row.number, "成立日期", "bad_date", _("This is not a date.")))
                leader = None
                lookup = str(cells.get("负责人身份证号或手机号", "")).strip()
                if lookup:
                    found = list(member_lookup(user=actor, text=lookup)[:2])
                    if len(found) != 1:
                        errors.append(RowError(row.number, "负责人身份证号或手机号", "member_not_found",
                                               _("No party member in your scope has this ID number or mobile.")))
                    else:
                        leader = found[0]
                if stage in (Stage.FILED, Stage.GRADUATED) and filing == FilingStatus.NONE:
                    errors.append(RowError(row.number, "备案状态", "filing_required",
                                           _("An organisation in this stage is filed or registered.")))
                if community is not None and name:
                    if (community.pk, name) in seen:
                        errors.append(RowError(row.number, "名称", "duplicate",
                                               _("The same organisation appears twice in the file.")))
                    seen.add((community.pk, name))
                if not errors:
                    try:
                        services.social_org_create(
                            actor=actor, unit=community, name=name, field=field_value, founded_on=founded_on,
                            leader_member=leader, leader_name=str(cells.get("负责人", "")).strip(),
                            filing_status=filing, filing_no=str(cells.get("备案登记号", "")).strip(), stage=stage)
                    except ValidationError as exc:
                        for key, messages in exc.message_dict.items():
                            for message in messages:
                                errors.append(RowError(row.number, COLUMN_OF_FIELD.get(key, "名称"), "invalid",
                                                       message))
                    except ScopeDenied:
                        errors.append(RowError(row.number, "所在社区编码", "unknown_unit",
                                               _("No community with this code in your scope.")))
                result.errors.extend(errors)
                result.rows.append(ImportRow(row.number, name, code, "error" if errors else "new"))
            if not commit or not result.ok:
                raise _Rollback
    except _Rollback:
        pass
    else:
        result.committed = True
    audit_record(kind=AuditLog.Kind.IMPORT,
                 action="governance.social_org.import" if commit else "governance.social_org.import_preview",
                 actor=actor, obj=None, unit=unit,
                 after={"file": (filename or "")[:200], "committed": result.committed, **result.summary(),
                        "file_error": result.file_error.code if result.file_error else None,
                        "codes": sorted(result.codes)})
    return result
