"""Import of the organisation tree itself from xlsx/CSV: preview, then all-or-nothing.

Columns (Chinese headers, as in the downloadable template): 编码, 上级编码, 类型, 名称, and optionally
党组织类型, 党组织名称, 党组织书记, 户数, 地址. A row whose code exists already updates that unit's own
fields (same parent only: moves are not done by import). Parent codes resolve to rows of the same
file or to units the importer may change; an unknown and an out-of-scope code give the same error.
Every write goes through ``org.services`` (tree lock, rules, audit) inside one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record
from core.models import AuditLog
from core.scoping import Action, ScopeDenied, has_any_scope
from core.spreadsheets import SpreadsheetError, open_table, require_columns

from . import services
from .choices import LEVEL_OF_KIND, PartyOrgType, UnitKind
from .models import OrgUnit

COL_CODE = "编码"
COL_PARENT = "上级编码"
COL_KIND = "类型"
COL_NAME = "名称"
COL_PARTY_TYPE = "党组织类型"
COL_PARTY_NAME = "党组织名称"
COL_SECRETARY = "党组织书记"
COL_HOUSEHOLDS = "户数"
COL_ADDRESS = "地址"
REQUIRED = [COL_CODE, COL_PARENT, COL_KIND, COL_NAME]
COLUMNS = REQUIRED + [COL_PARTY_TYPE, COL_PARTY_NAME, COL_SECRETARY, COL_HOUSEHOLDS, COL_ADDRESS]
SAMPLE_ROW = ["SX01001-09", "SX01001", "小区", "示例小区", "党支部", "示例小区党支部", "张三", 480, "苏仙区示例路1号"]

# Accepted spellings of the kinds and party-organisation types (Chinese as users write them, or codes).
KIND_ALIASES = {
    "区委": UnitKind.DISTRICT, "区": UnitKind.DISTRICT,
    "街道": UnitKind.STREET, "镇": UnitKind.TOWN, "乡": UnitKind.TOWN,
    "社区": UnitKind.COMMUNITY, "村": UnitKind.VILLAGE,
    "小区": UnitKind.COMPOUND, "楼栋": UnitKind.BUILDING, "楼": UnitKind.BUILDING,
    **{k.value: k.value for k in UnitKind},
}
PARTY_ALIASES = {
    "": "", "无": "",
    "区委": PartyOrgType.DISTRICT_COMMITTEE, "党工委": PartyOrgType.WORKING_COMMITTEE,
    "党委": PartyOrgType.COMMITTEE, "党总支": PartyOrgType.GENERAL_BRANCH,
    "党支部": PartyOrgType.BRANCH, "党小组": PartyOrgType.GROUP,
    **{k.value: k.value for k in PartyOrgType},
}


class RowStatus:
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


STATUS_LABELS = {
    RowStatus.NEW: gettext_lazy("new"),
    RowStatus.UPDATE: gettext_lazy("update"),
    RowStatus.UNCHANGED: gettext_lazy("unchanged"),
    RowStatus.ERROR: gettext_lazy("error"),
}


@dataclass
class RowResult:
    number: int
    code: str
    name: str
    status: str = RowStatus.NEW
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    parent_code: str = ""
    kind: str = ""

    def error(self, column: str, reason: str) -> None:
        self.status = RowStatus.ERROR
        self.errors.append(row_error(self.number, column, reason))


def row_error(number: int, column: str, reason: str) -> str:
    return _("Row %(row)s, %(column)s: %(reason)s") % {"row": number, "column": column, "reason": reason}


@dataclass
class ImportResult:
    rows: list[RowResult]
    file_error: str = ""
    committed: bool = False

    @property
    def errors(self) -> list[str]:
        out = [self.file_error] if self.file_error else []
        for row in self.rows:
            out.extend(row.errors)
        return out

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def summary(self) -> dict:
        return {s: self.count(s) for s in (RowStatus.NEW, RowStatus.UPDATE, RowStatus.UNCHANGED, RowStatus.ERROR)}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(rows_in, actor) -> list[RowResult]:
    results: list[RowResult] = []
    seen: dict[str, int] = {}
    for row in rows_in:
        v = row.values
        res = RowResult(number=row.number, code=_text(v.get(COL_CODE)), name=_text(v.get(COL_NAME)))
        res.parent_code = _text(v.get(COL_PARENT))
        if not res.code:
            res.error(COL_CODE, _("is required"))
        elif res.code in seen:
            res.error(COL_CODE, _("duplicates row %(row)s of this file") % {"row": seen[res.code]})
        else:
            seen[res.code] = row.number
        if not res.name:
            res.error(COL_NAME, _("is required"))
        kind = KIND_ALIASES.get(_text(v.get(COL_KIND)))
        res.kind = kind or ""
        if kind is None:
            res.error(COL_KIND, _("unknown kind (use 街道, 镇, 社区, 村, 小区 or 楼栋)"))
        party = PARTY_ALIASES.get(_text(v.get(COL_PARTY_TYPE)))
        if party is None:
            res.error(COL_PARTY_TYPE, _("unknown party organisation type (use 党工委, 党委, 党总支, 党支部 or 党小组)"))
        households = _text(v.get(COL_HOUSEHOLDS))
        if households and not households.isdigit():
            res.error(COL_HOUSEHOLDS, _("must be a whole number"))
        if kind == UnitKind.DISTRICT or (kind and not res.parent_code):
            res.error(COL_PARENT, _("is required: the district root cannot be imported"))
        res.data = {
            "kind": kind,
            "name": res.name,
            "party_org_type": party or "",
            "party_org_name": _text(v.get(COL_PARTY_NAME)),
            "party_secretary": _text(v.get(COL_SECRETARY)),
            "households": int(households) if households.isdigit() else None,
            "address": _text(v.get(COL_ADDRESS)),
        }
        results.append(res)
    return results


def _resolve(results: list[RowResult], actor) -> None:
    """Check parents, levels, scope and existing codes in bulk (a fixed number of queries)."""
    codes = {r.code for r in results if r.code}
    parent_codes = {r.parent_code for r in results if r.parent_code}
    in_scope = {
        u.code: u
        for u in OrgUnit.objects.for_user(actor, Action.CHANGE)
        .filter(code__in=codes | parent_codes)
        .select_related("parent")
    }
    existing_anywhere = set(OrgUnit.objects.filter(code__in=codes).values_list("code", flat=True))
    by_code = {r.code: r for r in results if r.code}
    for res in results:
        if res.status == RowStatus.ERROR and not res.kind:
            continue
        kind = res.kind
        # parent: a row of this file (created first) or a unit in the importer's scope
        if res.parent_code in by_code:
            parent_kind = by_code[res.parent_code].data.get("kind")
        elif res.parent_code in in_scope:
            parent_kind = in_scope[res.parent_code].kind
        else:
            parent_kind = None
            if res.parent_code:
                res.error(COL_PARENT, _("no unit with this code in your scope"))
        if kind and parent_kind and LEVEL_OF_KIND[parent_kind] != LEVEL_OF_KIND[kind] - 1:
            res.error(COL_PARENT, _("a %(kind)s cannot sit under a %(parent)s") % {
                "kind": UnitKind(kind).label, "parent": UnitKind(parent_kind).label})
        if res.code in existing_anywhere:
            unit = in_scope.get(res.code)
            if unit is None:
                res.error(COL_CODE, _("this code is already used by a unit outside your scope"))
            elif unit.parent_id is None or (unit.parent and unit.parent.code != res.parent_code):
                res.error(COL_PARENT, _("differs from the unit's current parent: move units in the tree, not by import"))
            elif kind and LEVEL_OF_KIND[unit.kind] != LEVEL_OF_KIND[kind]:
                res.error(COL_KIND, _("cannot change the level of an existing unit"))
            elif res.status != RowStatus.ERROR:
                changes = {k: v for k, v in res.data.items() if getattr(unit, k) != v}
                res.data = changes
                res.status = RowStatus.UPDATE if changes else RowStatus.UNCHANGED
    # parents that are rows of the file must come before their children: order by level


def _read(source, filename: str):
    table = open_table(source, filename=filename)
    require_columns(table, REQUIRED)
    return list(table)


def tree_import(*, actor, source, filename: str, commit: bool) -> ImportResult:
    """Preview (``commit=False``) or import (``commit=True``) a tree file. Nothing is written unless
    every row is valid; then all rows are written in one transaction through the tree services."""
    if not has_any_scope(actor, Action.IMPORT):
        raise ScopeDenied(Action.IMPORT)
    try:
        rows = _read(source, filename)
    except SpreadsheetError as exc:
        return ImportResult(rows=[], file_error=str(exc))
    results = _parse(rows, actor)
    _resolve(results, actor)
    result = ImportResult(rows=results)
    if not result.rows and not result.file_error:
        result.file_error = _("The file has no data rows.")
    if not commit or not result.ok:
        return result
    try:
        _write(actor, results, filename)
    except ValidationError as exc:
        result.file_error = _("Nothing was imported: %(reason)s") % {"reason": "; ".join(exc.messages)}
        return result
    result.committed = True
    return result


@transaction.atomic
def _write(actor, results: list[RowResult], filename: str) -> None:
    # parents that are rows of the file are created before their children
    ordered = sorted(results, key=lambda r: (LEVEL_OF_KIND.get(r.kind, 9), r.number))
    units: dict[str, OrgUnit] = {}
    for res in ordered:
        if res.status == RowStatus.UNCHANGED:
            continue
        try:
            if res.status == RowStatus.UPDATE:
                unit = OrgUnit.objects.get(code=res.code)
                services.org_unit_update(actor=actor, unit=unit, **res.data)
            else:
                parent = units.get(res.parent_code) or OrgUnit.objects.get(code=res.parent_code)
                data = {k: v for k, v in res.data.items() if k != "kind"}
                units[res.code] = services.org_unit_create(
                    actor=actor, parent=parent, code=res.code, kind=res.data["kind"], **data
                )
        except ScopeDenied as exc:
            raise ValidationError(row_error(res.number, COL_PARENT, _("no unit with this code in your scope"))) from exc
        except ValidationError as exc:
            raise ValidationError([row_error(res.number, COL_CODE, m) for m in exc.messages]) from exc
    record(
        kind=AuditLog.Kind.IMPORT,
        action="org_unit.import",
        actor=actor,
        object_repr=filename[:200],
        after={s: sum(1 for r in results if r.status == s) for s in (RowStatus.NEW, RowStatus.UPDATE, RowStatus.UNCHANGED)},
    )

