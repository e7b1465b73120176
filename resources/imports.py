"""Import of a term's roster (两委花名册) from an .xlsx or .csv file, through the shared spreadsheet
machinery (``core.spreadsheets.open_table``: size, zip-bomb and XML checks before parsing) and the row
errors of the member roster ("第 N 行 列名：原因", ``org.imports.RowError``).

Columns (Chinese headers, part of the file format):

==========  ========  ===============================================================================
column      required  content
==========  ========  ===============================================================================
姓名        yes       name (for a member: must match the member record)
身份证号              a party member's ID number: the member is looked up within the importer's scope
                      (by the keyed hash) and their data comes from the record; the number is not stored
手机号                or the member's mobile, for the same lookup
出生日期              non-members: birth date
性别                  non-members: 男 / 女
学历                  non-members: 初中及以下 / 高中/中专 / 大专 / 本科 / 研究生
党组织职务            书记 / 副书记 / 委员 (blank: not on the party committee)
居委会职务            主任 / 副主任 / 委员 (blank: not on the residents' committee)
==========  ========  ===============================================================================

All or nothing: every row goes through ``services.seat_create`` inside one transaction; any row error,
and any preview, rolls the whole file back.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied
from core.spreadsheets import SpreadsheetError, open_table, require_columns
from org.imports import EDUCATION_IN, RowError, parse_date

from . import services
from .choices import PartyPost, ResidentsPost
from .models import Term
from .selectors import member_pick

COL_NAME, COL_ID, COL_PHONE, COL_BIRTH, COL_GENDER, COL_EDUCATION, COL_PARTY, COL_RESIDENTS = (
    "姓名", "身份证号", "手机号", "出生日期", "性别", "学历", "党组织职务", "居委会职务")
COLUMNS = [COL_NAME, COL_ID, COL_PHONE, COL_BIRTH, COL_GENDER, COL_EDUCATION, COL_PARTY, COL_RESIDENTS]
PARTY_IN = {"书记": PartyPost.SECRETARY, "党组织书记": PartyPost.SECRETARY, "副书记": PartyPost.DEPUTY,
            "委员": PartyPost.MEMBER, "": ""}
RESIDENTS_IN = {"主任": ResidentsPost.DIRECTOR, "居委会主任": ResidentsPost.DIRECTOR, "副主任": ResidentsPost.DEPUTY,
                "委员": ResidentsPost.MEMBER, "": ""}
GENDER_IN = {"男": "M", "女": "F"}
FIELD_COLUMN = {"party_post": COL_PARTY, "residents_post": COL_RESIDENTS, "member": COL_ID, "person_name": COL_NAME,
                "birth_date": COL_BIRTH, "gender": COL_GENDER, "education": COL_EDUCATION}


@dataclass
class SeatRow:
    row: int
    name: str
    member: bool
    party_post: str
    residents_post: str

    @property
    def party_label(self):
        return PartyPost(self.party_post).label if self.party_post else ""

    @property
    def residents_label(self):
        return ResidentsPost(self.residents_post).label if self.residents_post else ""


@dataclass
class RosterResult:
    dry_run: bool
    rows: list[SeatRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: SpreadsheetError | None = None
    created: int = 0

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.errors} | ({self.file_error.code} if self.file_error else set())


class _Rollback(Exception):
    pass


def _parse(row, actor, result: RosterResult) -> dict | None:
    v = row.values
    errors = []

    def err(column, code, reason):
        errors.append(RowError(row.number, column, code, reason))

    name = str(v.get(COL_NAME, "")).strip()
    party = PARTY_IN.get(str(v.get(COL_PARTY, "")).strip())
    residents = RESIDENTS_IN.get(str(v.get(COL_RESIDENTS, "")).strip())
    if party is None:
        err(COL_PARTY, "bad_post", _("use 书记, 副书记 or 委员"))
    if residents is None:
        err(COL_RESIDENTS, "bad_post", _("use 主任, 副主任 or 委员"))
    lookup_col = COL_ID if str(v.get(COL_ID, "")).strip() else (COL_PHONE if str(v.get(COL_PHONE, "")).strip() else None)
    spec: dict = {}
    if lookup_col:
        member = member_pick(user=actor, text=str(v[lookup_col]))
        if member is None:
            err(lookup_col, "no_member", _("no party member with this number in your area"))
        elif name and name != member.name:
            err(COL_NAME, "name_mismatch", _("the member record has another name"))
        else:
            spec["member"] = member
    else:
        if not name:
            err(COL_NAME, "required", _("required"))
        try:
            birth = parse_date(v.get(COL_BIRTH, ""))
        except (ValueError, TypeError):
            birth = None
            err(COL_BIRTH, "bad_date", _("not a date"))
        else:
            if birth is None:
                err(COL_BIRTH, "required", _("required for a non-member"))
        gender = GENDER_IN.get(str(v.get(COL_GENDER, "")).strip())
        if gender is None:
            err(COL_GENDER, "bad_gender", _("use 男 or 女"))
        education = EDUCATION_IN.get(str(v.get(COL_EDUCATION, "")).strip())
        if education is None:
            err(COL_EDUCATION, "bad_education", _("use 初中及以下, 高中/中专, 大专, 本科 or 研究生"))
        spec.update(person_name=name, birth_date=birth, gender=gender, education=education)
    if errors:
        result.errors += errors
        return None
    spec.update(party_post=party, residents_post=residents)
    return spec


def roster_import(*, actor, term: Term, source, filename: str, dry_run: bool = True) -> RosterResult:
    """Read the file and seat every row in ``term`` (IMPORT and CHANGE over its community), all or
    nothing; a preview (``dry_run``) reports what would be seated and writes nothing."""
    result = RosterResult(dry_run=dry_run)
    if not Term.objects.for_user(actor, Action.IMPORT).filter(pk=term.pk).exists():
        raise ScopeDenied(Action.IMPORT)
    try:
        table = open_table(source, filename=filename)
        require_columns(table, [COL_NAME])
        rows = list(table)
    except SpreadsheetError as exc:
        result.file_error = exc
        return result
    try:
        with transaction.atomic():
            for row in rows:
                spec = _parse(row, actor, result)
                if spec is None:
                    continue
                try:
                    with transaction.atomic():
                        seat = services.seat_create(actor=actor, term=term, **spec)
                except ValidationError as exc:
                    groups = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
                    for fld, errs in groups.items():
                        for e in errs:
                            result.errors.append(RowError(row.number, FIELD_COLUMN.get(fld, COL_NAME),
                                                          e.code or "invalid", " ".join(e.messages)))
                    continue
                result.rows.append(SeatRow(row.number, seat.person_name, seat.member_id is not None,
                                           seat.party_post, seat.residents_post))
            if dry_run or result.errors:
                raise _Rollback
            result.created = len(result.rows)
    except _Rollback:
        pass
    return result
