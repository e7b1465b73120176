"""The list of a batch transfer (组织关系移交), e.g. an SOE's retired members to their residence communities:
its file format and how its rows are matched and routed before ``transfer_batch_create`` writes them.

The file
--------
One header row, then one person per row; the header names stay Chinese in every interface language:

==============  ========  ===================================================================
column          required  content
==============  ========  ===================================================================
身份证号        yes       18-character ID number as text: the row is matched to a member by it
姓名                      name (required only for a person not registered yet)
手机号                    mobile or landline (only for a person not registered yet)
接收党组织编码            code of the receiving community (or another unit that holds members)
居住小区                  name or code of the compound (or building code) the person lives in
备注                      note
==============  ========  ===================================================================

The receiving unit of a row: the code column when filled; else the community of the compound named in
the address column (when it names a compound in scope); else the community of the member's recorded
residence. Codes and compounds resolve only inside the actor's MOVE scope under the unit that runs the
batch: an unknown one and one out of scope give the same row error.

Matching: ID numbers are normalised and hashed (``core.crypto.pii_hash``, the lookup hash the member
table is indexed by); nothing is decrypted. A matched member must be held at the source unit and have no
transfer under way; an unmatched row with a name becomes a new member held at the source.

Cost: ``resolve_batch_rows`` runs a fixed number of queries per ``CHUNK`` rows whatever their content
(members by hash, their open transfers, units by code, compounds by name or code, the receiving units).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from core.crypto import pii_hash
from core.idcard import mask_id_number, normalize_id_number
from core.scoping import Action, subtree_q
from core.spreadsheets import open_table, require_columns

from .choices import MEMBER_LEVELS, Level
from .imports import RowError as BatchRowError  # one row-error shape for every import
from .models import OPEN_TRANSFER_STATES, Member, OrgUnit, OutsideUnit, Transfer
from .services.members import normalize_phone

CHUNK = 900  # ids per IN (...) list: below SQLite's historical 999-parameter limit

COL_ID = "身份证号"
COL_NAME = "姓名"
COL_PHONE = "手机号"
COL_TO = "接收党组织编码"
COL_ADDRESS = "居住小区"
COL_NOTE = "备注"
COLUMNS = [COL_ID, COL_NAME, COL_PHONE, COL_TO, COL_ADDRESS, COL_NOTE]
REQUIRED = [COL_ID]
# The API's JSON rows use these keys for the same columns.
JSON_KEYS = {"id_number": COL_ID, "name": COL_NAME, "phone": COL_PHONE, "to_unit_code": COL_TO,
             "address": COL_ADDRESS, "note": COL_NOTE}

# How a row's receiving unit was found.
VIA_CODE, VIA_ADDRESS, VIA_RESIDENCE = "code", "address", "residence"


@dataclass
class BatchRow:
    row: int
    id_masked: str = ""
    name: str = ""
    member_id: int | None = None  # None: a person not registered yet
    to_unit: OrgUnit | None = None
    via: str = ""
    errors: list[BatchRowError] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "error" if self.errors else ("matched" if self.member_id else "new")


@dataclass
class BatchPlan:
    rows: list[BatchRow] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)  # ``transfer_batch_create`` items, once every row is good

    @property
    def errors(self) -> list[BatchRowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def codes(self) -> set[str]:
        return {e.code for e in self.errors}

    def by_unit(self) -> list[tuple[OrgUnit, int]]:
        counts: dict[int, list] = {}
        for r in self.rows:
            if r.to_unit is not None:
                counts.setdefault(r.to_unit.pk, [r.to_unit, 0])[1] += 1
        return sorted(((u, n) for u, n in counts.values()), key=lambda p: (p[0].tree_id, p[0].lft))


def read_batch_file(source, *, filename: str) -> list[tuple[int, dict]]:
    """The rows of an uploaded list as (row number, cells); ``SpreadsheetError`` for a refused file (the
    same size, zip-bomb and row limits as every import, from settings)."""
    table = open_table(source, filename=filename)
    require_columns(table, REQUIRED)
    return [(r.number, r.values) for r in table]


def json_rows(rows: list[dict]) -> list[tuple[int, dict]]:
    """The API's JSON rows (``JSON_KEYS``) as (1-based row number, cells)."""
    out = []
    for index, row in enumerate(rows, start=1):
        row = row if isinstance(row, dict) else {}
        out.append((index, {column: row.get(key, "") for key, column in JSON_KEYS.items()}))
    return out


def _text(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def resolve_batch_rows(*, actor, source: OutsideUnit, registered_at: OrgUnit, rows: list[tuple[int, dict]]) -> BatchPlan:
    """Match each row to a member and find its receiving unit (read only). See the module docstring."""
    plan = BatchPlan()
    parsed: list[tuple[BatchRow, dict, str, str]] = []  # (row, cells, id number, hash)
    seen: dict[str, int] = {}
    for number, cells in rows:
        r = BatchRow(row=number, name=_text(cells.get(COL_NAME))[:64])
        plan.rows.append(r)
        id_number, id_hash = "", ""
        raw = cells.get(COL_ID, "")
        if raw in (None, ""):
            r.errors.append(BatchRowError(number, COL_ID, "required", _("required")))
        else:
            try:
                id_number = normalize_id_number(raw)
            except ValidationError as exc:
                r.errors.append(BatchRowError(number, COL_ID, exc.code or "id_number", "; ".join(exc.messages)))
        if id_number:
            id_hash = pii_hash(id_number)
            r.id_masked = mask_id_number(id_number)
            if id_hash in seen:
                r.errors.append(BatchRowError(number, COL_ID, "duplicate_file",
                                              _("the same ID number as row %(row)s") % {"row": seen[id_hash]}))
            else:
                seen[id_hash] = number
        parsed.append((r, cells, id_number, id_hash))

    # Members by their lookup hash, and which of them have a transfer under way.
    hashes = [h for _r, _c, _n, h in parsed if h]
    members: dict[str, dict] = {}
    for part in _chunks(hashes):
        for m in Member.objects.filter(id_number_hash__in=part).values(
                "pk", "id_number_hash", "name", "unit_id", "outside_unit_id", "residence__community_anc_id"):
            members[m["id_number_hash"]] = m
    busy: set[int] = set()
    for part in _chunks([m["pk"] for m in members.values()]):
        busy.update(Transfer.objects.filter(member_id__in=part, state__in=OPEN_TRANSFER_STATES)
                    .values_list("member_id", flat=True))

    # Units: codes and compounds inside the actor's MOVE scope under the running unit.
    in_reach = OrgUnit.objects.for_user(actor, Action.MOVE).filter(subtree_q(registered_at))
    codes = sorted({_text(c.get(COL_TO)) for _r, c, _n, _h in parsed} - {""})
    by_code: dict[str, OrgUnit] = {}
    for part in _chunks(codes):
        by_code.update({u.code: u for u in in_reach.filter(code__in=part, level__in=MEMBER_LEVELS)})
    words = sorted({_text(c.get(COL_ADDRESS)) for _r, c, _n, _h in parsed if not _text(c.get(COL_TO))} - {""})
    place_by_code: dict[str, OrgUnit] = {}
    place_by_name: dict[str, OrgUnit | None] = {}  # None: ambiguous
    for part in _chunks(words, CHUNK // 2):
        for place in in_reach.filter(
                Q(code__in=part, level__in=(Level.COMPOUND, Level.BUILDING))
                | Q(name__in=part, level=Level.COMPOUND)).only("pk", "code", "name", "level", "community_anc_id"):
            if place.code in part:
                place_by_code[place.code] = place
            if place.level == Level.COMPOUND and place.name in part:
                place_by_name[place.name] = place if place.name not in place_by_name else None
    places = [p for p in (*place_by_code.values(), *place_by_name.values()) if p is not None]
    wanted = {p.community_anc_id for p in places} | {
        m["residence__community_anc_id"] for m in members.values() if m["residence__community_anc_id"]}
    communities: dict[int, OrgUnit] = {}
    for part in _chunks(sorted(wanted)):
        communities.update({u.pk: u for u in in_reach.filter(pk__in=part, level=Level.COMMUNITY)})

    for r, cells, id_number, id_hash in parsed:
        member = members.get(id_hash) if id_hash else None
        if member is not None:
            r.member_id = member["pk"]
            r.name = member["name"]
            if member["outside_unit_id"] != source.pk:
                r.errors.append(BatchRowError(r.row, COL_ID, "not_held",
                                              _("this member is not held at the source unit")))
            elif member["pk"] in busy:
                r.errors.append(BatchRowError(r.row, COL_ID, "open_transfer",
                                              _("this member already has a transfer under way")))
        elif id_hash and not r.name:
            r.errors.append(BatchRowError(r.row, COL_NAME, "required",
                                          _("required for a person not registered yet")))
        phone = ""
        if member is None and _text(cells.get(COL_PHONE)):
            try:
                phone = normalize_phone(cells.get(COL_PHONE))
            except ValidationError as exc:
                r.errors.append(BatchRowError(r.row, COL_PHONE, "phone", "; ".join(exc.messages)))
        note = _text(cells.get(COL_NOTE))
        if len(note) > 200:
            r.errors.append(BatchRowError(r.row, COL_NOTE, "too_long", _("at most 200 characters")))
        code, word = _text(cells.get(COL_TO)), _text(cells.get(COL_ADDRESS))
        if code:
            r.to_unit, r.via = by_code.get(code), VIA_CODE
            if r.to_unit is None:
                r.errors.append(BatchRowError(r.row, COL_TO, "unit_code",
                                              _("unknown unit code, or not within your scope")))
        elif word:
            place = place_by_code.get(word) or place_by_name.get(word)
            r.to_unit, r.via = communities.get(place.community_anc_id) if place else None, VIA_ADDRESS
            if r.to_unit is None:
                reason = (_("several compounds have this name; write its code") if word in place_by_name
                          and place_by_name[word] is None else _("no compound with this name or code in your scope"))
                r.errors.append(BatchRowError(r.row, COL_ADDRESS, "address", reason))
        elif member is not None and member["residence__community_anc_id"]:
            r.to_unit, r.via = communities.get(member["residence__community_anc_id"]), VIA_RESIDENCE
            if r.to_unit is None:
                r.errors.append(BatchRowError(r.row, COL_ADDRESS, "residence_scope",
                                              _("the member's recorded residence is not within your scope")))
        else:
            r.errors.append(BatchRowError(r.row, COL_TO, "no_destination",
                                          _("give the receiving unit's code or the compound the person lives in")))
        if not r.errors and id_number:
            item = {"row": r.row, "id_number": id_number, "name": r.name, "to_unit": r.to_unit, "phone": phone}
            if member is None and r.via == VIA_ADDRESS:
                item["residence"] = place  # a new person: the compound they live in is recorded too
            if note:
                item["note"] = note
            plan.items.append(item)
    if not plan.ok:
        plan.items = []
    return plan

