"""Spreadsheet definitions of the organisation system: the member roster (花名册) import and export.

The roster file
---------------
One header row, then one member per row. Header names are part of the file format and stay Chinese in
every interface language (they are what clerks' Excel sheets carry):

==================  ========  ===============================================================
column              required  content
==================  ========  ===============================================================
姓名                yes       name
身份证号            yes       18-character ID number, as *text* (an ID Excel turned into a number
                              such as 4.30102E+17 is refused: its last digits are lost)
手机号                        11-digit mobile or a landline such as 0735-2223344
学历                          初中及以下 / 高中/中专 / 大专 / 本科 / 研究生 (common synonyms accepted)
民族                          e.g. 汉族
入党日期                      a date (2001-07-01, 2001/7/1, 2001年7月1日, 2001-07, 20010701)
党员类型                      正式 / 预备
人员类别                      在职 / 退休 / 流动 / 其他
工作单位                      code or exact name of an outside unit (区直单位, 国企…) you may pick
状态                          正常 / 失联 / 去世 / 出党
所在党组织编码      yes       code of the unit the member's org relationship sits in
居住小区/楼栋编码             code of the compound or building the member lives in
备注                          note
==================  ========  ===============================================================

A column left out of the file keeps the stored value of an existing member (a blank cell in a present
column clears it or sets the default). Unit codes (both code columns) resolve only inside the importer's
IMPORT scope under the chosen scope unit: an unknown code and an out-of-scope code give the same row error.

How it runs (``roster_import``)
-------------------------------
``core.spreadsheets.open_table`` refuses oversize, zip-bomb and XML-attack files before parsing. Rows are
then processed in chunks of ``CHUNK`` rows, with a fixed number of queries per chunk whatever the data:
unit codes and existing ID hashes are resolved in bulk, each row's digest (``Member.fingerprint``) is
compared with the stored one so an unchanged row costs no write and no encryption, and new/changed rows
are written in bulk (members and memberships only; never tree rows): new members by ``COPY`` on PostgreSQL
with ids drawn from the sequence (``bulk_create`` elsewhere), changed ones by ``bulk_update``. Everything
happens inside one transaction: any row error rolls the whole file back, and a preview (``dry_run``) always
rolls back. Each run leaves one ``ImportRecord`` and one audit row of kind ``import``.

Why not django-import-export's row-by-row import: it runs one or more queries per row (about 400 rows/s
measured); the roster path must take 20,000 rows in seconds. django-import-export is used for what it does
well here: the ``MemberResource`` (template, admin export with masked personal data).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields as ie_fields
from import_export import resources

from core.audit import record as audit_record
from core.idcard import mask_id_number, normalize_id_number
from core.models import AuditLog
from core.scoping import Action, ScopeDenied, scope_nodes, subtree_q, unit_in_scope
from core.spreadsheets import SpreadsheetError, open_table, require_columns

from .choices import LEVEL_OF_KIND, Level
from .models import (
    Education,
    ImportKind,
    ImportRecord,
    ImportState,
    Member,
    MemberCategory,
    Membership,
    MembershipReason,
    MemberStatus,
    OrgUnit,
    Standing,
    member_fingerprint,
)
from .services.members import normalize_phone, pii_fields_for_id, pii_fields_for_phone
from .services.tally import tally_shift

CHUNK = 2000
MAX_REPORTED_ERRORS = 10000
KEEP_PREVIEW_ROWS = 500

# -- the file format ------------------------------------------------------------------------------

COL_NAME = "姓名"
COL_ID = "身份证号"
COL_PHONE = "手机号"
COL_EDUCATION = "学历"
COL_ETHNICITY = "民族"
COL_JOINED = "入党日期"
COL_STANDING = "党员类型"
COL_CATEGORY = "人员类别"
COL_WORK_UNIT = "工作单位"
COL_STATUS = "状态"
COL_UNIT = "所在党组织编码"
COL_RESIDENCE = "居住小区/楼栋编码"
COL_NOTE = "备注"

COLUMNS = [COL_NAME, COL_ID, COL_PHONE, COL_EDUCATION, COL_ETHNICITY, COL_JOINED, COL_STANDING, COL_CATEGORY,
           COL_WORK_UNIT, COL_STATUS, COL_UNIT, COL_RESIDENCE, COL_NOTE]
REQUIRED = [COL_NAME, COL_ID, COL_UNIT]

# File words -> stored values. The first word of each value is the one written in templates and exports.
EDUCATION_WORDS = {
    Education.JUNIOR_OR_BELOW: ["初中及以下", "初中", "小学", "文盲", "半文盲"],
    Education.SENIOR: ["高中/中专", "高中", "中专", "中技", "技校", "职高", "高中及中专"],
    Education.JUNIOR_COLLEGE: ["大专", "专科", "大学专科", "高职"],
    Education.BACHELOR: ["本科", "大学本科", "大学", "学士"],
    Education.POSTGRADUATE: ["研究生", "硕士", "博士", "硕士研究生", "博士研究生"],
}
STANDING_WORDS = {Standing.FULL: ["正式", "正式党员"], Standing.PROBATIONARY: ["预备", "预备党员"]}
CATEGORY_WORDS = {
    MemberCategory.IN_SERVICE: ["在职", "在职党员", "机关在职"],
    MemberCategory.RETIRED: ["退休", "离退休", "离休", "退休党员"],
    MemberCategory.FLOATING: ["流动", "流动党员"],
    MemberCategory.OTHER: ["其他"],
}
STATUS_WORDS = {
    MemberStatus.NORMAL: ["正常"],
    MemberStatus.LOST_CONTACT: ["失联", "失去联系"],
    MemberStatus.DECEASED: ["去世", "死亡", "已故"],
    MemberStatus.LEFT: ["出党", "已出党", "退党", "除名"],
}


def _lookup(words: dict) -> dict[str, str]:
    return {word: value for value, options in words.items() for word in options}


EDUCATION_IN, STANDING_IN, CATEGORY_IN, STATUS_IN = map(_lookup, (EDUCATION_WORDS, STANDING_WORDS, CATEGORY_WORDS,
                                                                  STATUS_WORDS))


def file_word(words: dict, value: str) -> str:
    options = words.get(value)
    return options[0] if options else ""


SAMPLE_ROW = {
    COL_NAME: "张三", COL_ID: "", COL_PHONE: "13800001234", COL_EDUCATION: "本科",
    COL_ETHNICITY: "汉族", COL_JOINED: "2015-07-01", COL_STANDING: "正式", COL_CATEGORY: "在职",
    COL_WORK_UNIT: "苏仙区民政局", COL_STATUS: "正常", COL_UNIT: "SX01001", COL_RESIDENCE: "SX0100101",
    COL_NOTE: "",
}


def _sample_id() -> str:
    from core.idcard import check_digit

    first17 = "43100319900101123"
    return first17 + check_digit(first17)


SAMPLE_ROW[COL_ID] = _sample_id()


class MemberResource(resources.ModelResource):
    """The roster columns for django-import-export: the downloadable template and the admin export.

    Personal data leaves only masked (``id_number_masked``, ``phone_masked``). Imports do not go through
    this resource's row-by-row path but through ``roster_import`` (bulk, scoped, all-or-nothing).
    """

    name = ie_fields.Field(attribute="name", column_name=COL_NAME)
    id_number = ie_fields.Field(attribute="id_number_masked", column_name=COL_ID)
    phone = ie_fields.Field(attribute="phone_masked", column_name=COL_PHONE)
    education = ie_fields.Field(column_name=COL_EDUCATION)
    ethnicity = ie_fields.Field(attribute="ethnicity", column_name=COL_ETHNICITY)
    joined_on = ie_fields.Field(attribute="joined_on", column_name=COL_JOINED)
    standing = ie_fields.Field(column_name=COL_STANDING)
    category = ie_fields.Field(column_name=COL_CATEGORY)
    work_unit = ie_fields.Field(attribute="work_unit__name", column_name=COL_WORK_UNIT)
    status = ie_fields.Field(column_name=COL_STATUS)
    unit = ie_fields.Field(attribute="unit__code", column_name=COL_UNIT)
    residence = ie_fields.Field(attribute="residence__code", column_name=COL_RESIDENCE)
    note = ie_fields.Field(attribute="note", column_name=COL_NOTE)

    class Meta:
        model = Member
        fields = ("name", "id_number", "phone", "education", "ethnicity", "joined_on", "standing", "category",
                  "work_unit", "status", "unit", "residence", "note")
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        import_id_fields = ()

    def dehydrate_education(self, member):
        return file_word(EDUCATION_WORDS, member.education)

    def dehydrate_standing(self, member):
        return file_word(STANDING_WORDS, member.standing)

    def dehydrate_category(self, member):
        return file_word(CATEGORY_WORDS, member.category)

    def dehydrate_status(self, member):
        return file_word(STATUS_WORDS, member.status)

    def dehydrate_joined_on(self, member):
        return member.joined_on.isoformat() if member.joined_on else ""

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "residence", "work_unit")


def template_bytes() -> bytes:
    """The downloadable template: the header row and one sample row (xlsx, ID column as text)."""
    from core.exports import write_xlsx

    headers = MemberResource().get_export_headers()
    return write_xlsx([str(h) for h in headers], [[SAMPLE_ROW[str(h)] for h in headers]], sheet_title="党员花名册")


# -- results ----------------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int
    column: str
    code: str
    reason: str

    @property
    def message(self) -> str:
        return _("Row %(row)s, %(column)s: %(reason)s") % {"row": self.row, "column": self.column,
                                                            "reason": self.reason}

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class RowResult:
    row: int
    status: str  # new / update / unchanged / error
    name: str = ""
    id_masked: str = ""
    unit_code: str = ""


@dataclass
class ImportResult:
    record: ImportRecord
    total: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    error_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)  # the first KEEP_PREVIEW_ROWS rows, for a preview
    file_error: SpreadsheetError | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and self.error_rows == 0

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.errors} | ({self.file_error.code} if self.file_error else set())


class _Rollback(Exception):
    pass


# -- cell parsing -----------------------------------------------------------------------------------

_DATE_RES = [
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), 3),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), 2),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), 3),
]
_PARTY_FOUNDED = datetime.date(1921, 7, 1)


def parse_date(value) -> datetime.date | None:
    """A date cell as a date, '' as None; ValueError for anything else."""
    if value in ("", None):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for regex, parts in _DATE_RES:
        match = regex.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            day = int(match.group(3)) if parts == 3 else 1
            return datetime.date(year, month, day)  # may raise ValueError
    raise ValueError(text)


class _Context:
    """What one run knows beyond the current chunk: the resolved codes, the work units and the ID hashes
    seen so far (for duplicates within the file)."""

    def __init__(self, actor, scope_unit: OrgUnit):
        from .selectors.tree import outside_unit_choices

        self.actor = actor
        self.scope_unit = scope_unit
        self.units: dict[str, OrgUnit | None] = {}
        self.unit_ids: dict[int, bool] = {}  # unit id -> may the importer change members there
        self.today = timezone.localdate()
        self.seen: dict[bytes, int] = {}
        self.work_by_code: dict[str, int] = {}
        self.work_by_name: dict[str, int | None] = {}
        # (unit_id, status) of the members written, before and after: the member counters move once, at
        # the end of the run (one ordered lock of the units touched, held only until the commit).
        self.counted_before: list[tuple] = []
        self.counted_after: list[tuple] = []
        for ou in outside_unit_choices(user=actor).only("pk", "code", "name", "short_name"):
            self.work_by_code[ou.code] = ou.pk
            for name in {ou.name, ou.short_name} - {""}:
                self.work_by_name[name] = None if name in self.work_by_name else ou.pk  # None: ambiguous

    def resolve_codes(self, codes: set[str]) -> None:
        """One query for the codes not seen yet, limited to the scope unit's subtree and the IMPORT scope."""
        missing = [c for c in codes if c and c not in self.units]
        if not missing:
            return
        su = self.scope_unit
        found = {u.code: u for u in OrgUnit.objects.for_user(self.actor, Action.IMPORT).filter(
            subtree_q(su), code__in=missing,
        ).only("pk", "code", "kind", "tree_id", "lft", "rght", "level")}
        for code in missing:
            self.units[code] = found.get(code)
        for unit in found.values():
            self.unit_ids[unit.pk] = True

    def resolve_unit_ids(self, ids: set) -> None:
        """Whether existing members' units are inside the import's scope: one query for unseen ids."""
        missing = [i for i in ids if i is not None and i not in self.unit_ids]
        if not missing:
            return
        su = self.scope_unit
        inside = set(OrgUnit.objects.for_user(self.actor, Action.IMPORT).filter(
            subtree_q(su), pk__in=missing).values_list("pk", flat=True))
        for i in missing:
            self.unit_ids[i] = i in inside


def _code(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value not in (None, "") else ""


@dataclass
class _Parsed:
    row: int
    cells: dict
    errors: list[RowError]
    values: dict = field(default_factory=dict)
    id_number: str = ""
    id_hash: str = ""
    phone: str | None = None  # None: column absent


def _parse_row(number: int, cells: dict, present: set[str], today: datetime.date) -> _Parsed:
    p = _Parsed(number, cells, [])
    err = p.errors.append

    name = str(cells.get(COL_NAME, "") or "").strip()
    if not name:
        err(RowError(number, COL_NAME, "required", _("required")))
    elif len(name) > 64:
        err(RowError(number, COL_NAME, "too_long", _("at most 64 characters")))
    p.values["name"] = name

    try:
        p.id_number = normalize_id_number(cells.get(COL_ID, ""))
    except ValidationError as exc:
        code = exc.code or "id_number"
        if cells.get(COL_ID, "") == "":
            code, reason = "required", _("required")
        else:
            reason = "; ".join(exc.messages)
        err(RowError(number, COL_ID, code if code != "required" else "required", reason))

    if COL_PHONE in present:
        try:
            p.phone = normalize_phone(cells.get(COL_PHONE, ""))
        except ValidationError as exc:
            err(RowError(number, COL_PHONE, "phone", "; ".join(exc.messages)))

    for column, key, table, default in (
        (COL_EDUCATION, "education", EDUCATION_IN, ""),
        (COL_STANDING, "standing", STANDING_IN, Standing.FULL),
        (COL_CATEGORY, "category", CATEGORY_IN, MemberCategory.OTHER),
        (COL_STATUS, "status", STATUS_IN, MemberStatus.NORMAL),
    ):
        if column not in present:
            continue
        word = str(cells.get(column, "") or "").strip()
        if not word:
            p.values[key] = default
        elif word in table:
            p.values[key] = table[word]
        else:
            err(RowError(number, column, "choice", _("“%(value)s” is not one of: %(choices)s") % {
                "value": word, "choices": "、".join(sorted({w[0] for w in {
                    "education": EDUCATION_WORDS, "standing": STANDING_WORDS, "category": CATEGORY_WORDS,
                    "status": STATUS_WORDS}[key].values()}))}))

    if COL_ETHNICITY in present:
        ethnicity = str(cells.get(COL_ETHNICITY, "") or "").strip()
        if len(ethnicity) > 16:
            err(RowError(number, COL_ETHNICITY, "too_long", _("at most 16 characters")))
        p.values["ethnicity"] = ethnicity
    if COL_NOTE in present:
        note = str(cells.get(COL_NOTE, "") or "").strip()
        if len(note) > 200:
            err(RowError(number, COL_NOTE, "too_long", _("at most 200 characters")))
        p.values["note"] = note

    if COL_JOINED in present:
        try:
            joined = parse_date(cells.get(COL_JOINED, ""))
        except (ValueError, TypeError):
            err(RowError(number, COL_JOINED, "date", _("not a date (write it like 2001-07-01)")))
        else:
            if joined is not None and not (_PARTY_FOUNDED <= joined <= today):
                err(RowError(number, COL_JOINED, "date", _("the date is not plausible")))
            elif joined is not None and p.id_number and joined.year - int(p.id_number[6:10]) < 17:
                err(RowError(number, COL_JOINED, "date", _("the member would have joined before the age of 18")))
            p.values["joined_on"] = joined
    return p


# -- the run ----------------------------------------------------------------------------------------

def default_scope_unit(user) -> OrgUnit | None:
    """The unit an import covers when none is chosen: the user's first IMPORT grant node."""
    nodes = scope_nodes(user, Action.IMPORT)
    if nodes is None:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id").first()
    if not nodes:
        return None
    return OrgUnit.objects.get(pk=nodes[0].unit_id)


def roster_import(
    *, actor, source, filename: str, unit: OrgUnit | None = None, dry_run: bool = True,
    record: ImportRecord | None = None, progress: Callable[[int], None] | None = None,
    max_bytes: int | None = None, max_uncompressed: int | None = None, max_rows: int | None = None,
) -> ImportResult:
    """Preview (``dry_run``) or commit a roster file for ``actor`` over ``unit``'s subtree.

    Never raises for bad input: a refused file or bad rows come back in the result (and the record);
    ``ScopeDenied`` if the actor may not import into ``unit`` at all.
    """
    unit = unit or (record.unit if record is not None else None) or default_scope_unit(actor)
    if unit is None or not unit_in_scope(actor, Action.IMPORT, unit):
        raise ScopeDenied(Action.IMPORT)
    if record is None:
        record = ImportRecord(kind=ImportKind.ROSTER, unit=unit, file_name=(filename or "")[:200],
                              created_by=actor if getattr(actor, "pk", None) else None)
    record.dry_run = dry_run
    record.state = ImportState.RUNNING
    record.save()
    result = ImportResult(record=record)
    try:
        table = open_table(source, filename=filename, max_bytes=max_bytes, max_uncompressed=max_uncompressed,
                           max_rows=max_rows)
        require_columns(table, REQUIRED)
    except SpreadsheetError as exc:
        result.file_error = exc
    else:
        try:
            with transaction.atomic():
                _run(table, actor=actor, unit=unit, dry_run=dry_run, result=result, progress=progress)
                if dry_run or not result.ok:
                    raise _Rollback
        except _Rollback:
            pass
        except SpreadsheetError as exc:  # raised while iterating (e.g. too many rows in a CSV)
            result.file_error = exc
        except Exception:
            record.state = ImportState.FAILED
            record.message = _("The import failed unexpectedly; nothing was imported.")
            record.finished_at = timezone.now()
            record.save(update_fields=["state", "message", "finished_at"])
            raise
    _finish(record, result, dry_run)
    return result


def _finish(record: ImportRecord, result: ImportResult, dry_run: bool) -> None:
    record.total = result.total
    record.errors = result.error_rows
    record.created, record.updated, record.skipped = result.created, result.updated, result.skipped
    record.errors_report = [e.as_dict() for e in result.errors[:MAX_REPORTED_ERRORS]]
    record.finished_at = timezone.now()
    record.progress = result.total
    if result.file_error is not None:
        record.state = ImportState.REFUSED
        record.message = result.file_error.message
    elif not result.ok:
        record.state = ImportState.REFUSED
        record.message = _("%(count)s rows have errors; nothing was imported.") % {"count": result.error_rows}
    else:
        record.state = ImportState.PREVIEWED if dry_run else ImportState.COMPLETED
        record.message = ""
    record.save()
    audit_record(
        kind=AuditLog.Kind.IMPORT, action="member.import_preview" if dry_run else "member.import",
        actor=record.created_by, obj=record, unit=record.unit,
        after={"file": record.file_name, "state": record.state, "total": record.total, "created": record.created,
               "updated": record.updated, "skipped": record.skipped, "errors": record.errors,
               "file_error": result.file_error.code if result.file_error else None},
    )


def _run(table, *, actor, unit, dry_run, result: ImportResult, progress) -> None:
    present = set(table.headers)
    ctx = _Context(actor, unit)
    chunk: list = []
    for row in table:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _process_chunk(chunk, present, ctx, dry_run, result)
            chunk = []
            if progress:
                progress(result.total)
    if chunk:
        _process_chunk(chunk, present, ctx, dry_run, result)
    if not dry_run and not result.error_rows:
        tally_shift(before=ctx.counted_before, after=ctx.counted_after)
    if progress:
        progress(result.total)


_MEMBER_FIELDS = ["name", "education", "ethnicity", "joined_on", "standing", "category", "work_unit_id", "status",
                  "residence_id", "note"]


def _process_chunk(chunk, present: set[str], ctx: _Context, dry_run: bool, result: ImportResult) -> None:
    from core.crypto import pii_hash

    parsed = [_parse_row(r.number, r.values, present, ctx.today) for r in chunk]
    result.total += len(parsed)

    # Codes: one query for the chunk's new codes.
    codes = set()
    for p in parsed:
        codes.add(_code(p.cells.get(COL_UNIT, "")))
        if COL_RESIDENCE in present:
            codes.add(_code(p.cells.get(COL_RESIDENCE, "")))
    ctx.resolve_codes(codes)

    for p in parsed:
        code = _code(p.cells.get(COL_UNIT, ""))
        target = ctx.units.get(code) if code else None
        if not code:
            p.errors.append(RowError(p.row, COL_UNIT, "required", _("required")))
        elif target is None:
            p.errors.append(RowError(p.row, COL_UNIT, "unit_code", _("unknown unit code, or not within your scope")))
        elif LEVEL_OF_KIND.get(target.kind) == Level.DISTRICT:
            p.errors.append(RowError(p.row, COL_UNIT, "unit_level",
                                     _("a member belongs to a street, community, compound or building")))
        else:
            p.values["unit"] = target
        if COL_RESIDENCE in present:
            rcode = _code(p.cells.get(COL_RESIDENCE, ""))
            residence = ctx.units.get(rcode) if rcode else None
            if rcode and residence is None:
                p.errors.append(RowError(p.row, COL_RESIDENCE, "unit_code",
                                         _("unknown unit code, or not within your scope")))
            elif residence is not None and LEVEL_OF_KIND.get(residence.kind) not in (Level.COMPOUND, Level.BUILDING):
                p.errors.append(RowError(p.row, COL_RESIDENCE, "residence_level",
                                         _("the residence is a compound or a building")))
            else:
                p.values["residence_id"] = residence.pk if residence else None
        if COL_WORK_UNIT in present:
            word = _code(p.cells.get(COL_WORK_UNIT, ""))
            if not word:
                p.values["work_unit_id"] = None
            elif word in ctx.work_by_code:
                p.values["work_unit_id"] = ctx.work_by_code[word]
            elif ctx.work_by_name.get(word):
                p.values["work_unit_id"] = ctx.work_by_name[word]
            else:
                p.errors.append(RowError(p.row, COL_WORK_UNIT, "work_unit",
                                         _("unknown or ambiguous outside unit; use its code")))
        # Duplicates within the file.
        if p.id_number:
            p.id_hash = pii_hash(p.id_number)
            key = bytes.fromhex(p.id_hash)
            first = ctx.seen.get(key)
            if first is not None:
                p.errors.append(RowError(p.row, COL_ID, "duplicate_file",
                                         _("the same ID number as row %(row)s") % {"row": first}))
            else:
                ctx.seen[key] = p.row

    # Existing members: one query for the chunk (plain values, no model instances for unchanged rows),
    # and one more for the ranges of their units not seen yet. A run that writes locks them (in id order)
    # as it reads them, so that what it compares and counts from cannot change before it commits.
    hashes = [p.id_hash for p in parsed if p.id_hash]
    found = Member.objects.filter(id_number_hash__in=hashes)
    if not dry_run:
        found = found.select_for_update(no_key=True).order_by("pk")
    existing = {row["id_number_hash"]: row for row in found.values(
        "pk", "id_number_hash", "fingerprint", "unit_id", "phone_hash", "phone_encrypted", "phone_masked",
        *_MEMBER_FIELDS)}
    ctx.resolve_unit_ids({row["unit_id"] for row in existing.values()})

    new_members: list[dict] = []
    changed: list[Member] = []
    moved: list[tuple[int, int]] = []
    counted_before: list[tuple] = []  # (unit_id, status) of changed members before and after the import
    counted_after: list[tuple] = []
    today = ctx.today
    now = timezone.now()
    for p in parsed:
        member = existing.get(p.id_hash) if p.id_hash else None
        if member is not None and not ctx.unit_ids.get(member["unit_id"]):
            p.errors.append(RowError(p.row, COL_ID, "duplicate_db",
                                     _("this person is already registered in another organisation")))
        if p.errors:
            _note_row(result, p, "error")
            continue
        values = p.values
        unit = values.pop("unit")
        if member is None:
            _note_row(result, p, "new", code=unit.code)
            result.created += 1
            if dry_run:
                continue
            data = {"education": "", "ethnicity": "", "joined_on": None, "standing": Standing.FULL,
                    "category": MemberCategory.OTHER, "work_unit_id": None, "status": MemberStatus.NORMAL,
                    "residence_id": None, "note": ""}
            data.update(values)
            data.update(pii_fields_for_id(p.id_number, normalized=True, id_hash=p.id_hash))
            data.update(pii_fields_for_phone(p.phone) if p.phone else _NO_PHONE)
            data["unit_id"] = unit.pk
            data["fingerprint"] = member_fingerprint(
                name=data["name"], id_number_hash=data["id_number_hash"], phone_hash=data["phone_hash"],
                education=data["education"], ethnicity=data["ethnicity"], joined_on=data["joined_on"],
                standing=data["standing"], category=data["category"], work_unit_id=data["work_unit_id"],
                status=data["status"], residence_id=data["residence_id"], unit_id=unit.pk, outside_unit_id=None,
                note=data["note"])
            new_members.append(data)
            continue
        # Existing member in scope: merge the present columns over the stored values.
        phone_hash = member["phone_hash"] if p.phone is None else (pii_hash(p.phone) if p.phone else "")
        merged = {f: member[f] for f in _MEMBER_FIELDS}
        merged.update(values)
        digest = member_fingerprint(id_number_hash=member["id_number_hash"], phone_hash=phone_hash,
                                    unit_id=unit.pk, outside_unit_id=None, **merged)
        if digest == member["fingerprint"]:
            _note_row(result, p, "unchanged", code=unit.code)
            result.skipped += 1
            continue
        _note_row(result, p, "update", code=unit.code)
        result.updated += 1
        if dry_run:
            continue
        phone = {k: member[k] for k in ("phone_encrypted", "phone_hash", "phone_masked")}
        if phone_hash != member["phone_hash"]:
            phone = pii_fields_for_phone(p.phone)
        obj = Member(pk=member["pk"], unit_id=unit.pk, fingerprint=digest, updated_at=now, **merged, **phone)
        if member["unit_id"] != unit.pk:
            moved.append((obj.pk, unit.pk))
        changed.append(obj)
        counted_before.append((member["unit_id"], member["status"]))
        counted_after.append((unit.pk, merged["status"]))

    if dry_run or result.error_rows:
        return  # nothing is written once any row failed: the run rolls back anyway
    if new_members:
        _insert_new_members(new_members, today, now)
        counted_after.extend((row["unit_id"], row["status"]) for row in new_members)
    ctx.counted_before.extend(counted_before)
    ctx.counted_after.extend(counted_after)
    if changed:
        Member.objects.bulk_update(changed, _MEMBER_FIELDS + ["unit_id", "phone_encrypted", "phone_hash",
                                                             "phone_masked", "fingerprint", "updated_at"],
                                   batch_size=500)
    if moved:
        Membership.objects.filter(member_id__in=[pk for pk, _u in moved], ended_on__isnull=True).update(
            ended_on=today, end_reason=MembershipReason.IMPORTED)
        Membership.objects.bulk_create(
            [Membership(member_id=pk, unit_id=u, started_on=today, reason=MembershipReason.IMPORTED)
             for pk, u in moved], batch_size=1000)


_NO_PHONE = {"phone_encrypted": "", "phone_hash": "", "phone_masked": ""}


def _insert_new_members(rows: list[dict], today, now) -> None:
    """Insert new members and their open memberships.

    On PostgreSQL: ids drawn from the table's sequence in one query, then ``COPY`` of the members and of the
    memberships (every constraint is still checked by the database). Elsewhere: ``bulk_create``. Both write
    the same columns; neither touches the tree.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        members = Member.objects.bulk_create([Member(**row) for row in rows], batch_size=1000)
        Membership.objects.bulk_create(
            [Membership(member_id=m.pk, unit_id=m.unit_id, started_on=today, reason=MembershipReason.IMPORTED)
             for m in members], batch_size=1000)
        return
    member_table, membership_table = Member._meta.db_table, Membership._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [member_table, len(rows)])
        ids = [r[0] for r in cur.fetchall()]
        fields = [f for f in Member._meta.concrete_fields if f.attname not in ("id", "created_at", "updated_at",
                                                                               "outside_unit_id")]
        columns = ["id", "created_at", "updated_at", "outside_unit_id"] + [f.column for f in fields]
        names = [f.attname for f in fields]
        with cur.cursor.copy(f"COPY {member_table} ({', '.join(columns)}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                copy.write_row([pk, now, now, None, *(row[name] for name in names)])
        mcolumns = "member_id, unit_id, started_on, ended_on, reason, end_reason, note"
        with cur.cursor.copy(f"COPY {membership_table} ({mcolumns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                copy.write_row([pk, row["unit_id"], today, None, MembershipReason.IMPORTED, "", ""])


def _note_row(result: ImportResult, p: _Parsed, status: str, code: str = "") -> None:
    if status == "error":
        result.error_rows += 1
        room = MAX_REPORTED_ERRORS - len(result.errors)
        if room > 0:
            result.errors.extend(p.errors[:room])
    if len(result.rows) < KEEP_PREVIEW_ROWS or status == "error" and len(result.rows) < MAX_REPORTED_ERRORS:
        result.rows.append(RowResult(p.row, status, p.values.get("name", ""),
                                     mask_id_number(p.id_number) if p.id_number else "", code))
