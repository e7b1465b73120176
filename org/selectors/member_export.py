"""The member export's rows (the roster's columns, so the file can be imported again, plus the unit's
name, gender and birth date) and what its audit row may keep of the search term."""
from __future__ import annotations

from core.idcard import is_valid_id_number, mask_id_number, normalize_id_number

from ..imports import CATEGORY_WORDS, COLUMNS, EDUCATION_WORDS, STANDING_WORDS, STATUS_WORDS, file_word
from .members import member_display

__all__ = ["MEMBER_EXPORT_COLUMNS", "audit_safe_search", "member_export_rows"]

MEMBER_EXPORT_COLUMNS = [*COLUMNS, "所在党组织", "性别", "出生日期"]


def member_export_rows(members, *, user, reveal: bool) -> tuple[list[list], int]:
    """The rows of ``members`` in ``MEMBER_EXPORT_COLUMNS`` and how many carry personal data in clear:
    masked unless ``reveal`` and ``user`` holds REVEAL over the member's unit. The caller audits the
    export (``core.web.export_xlsx``)."""
    rows, revealed = [], 0
    for member in members:
        member_display([member], user=user, reveal=reveal)
        if reveal and member.can_reveal:
            revealed += 1
        rows.append([
            member.name, member.id_number_display, member.phone_display,
            file_word(EDUCATION_WORDS, member.education), member.ethnicity, member.joined_on,
            file_word(STANDING_WORDS, member.standing), file_word(CATEGORY_WORDS, member.category),
            member.work_unit.code if member.work_unit_id else "", file_word(STATUS_WORDS, member.status),
            member.unit.code if member.unit_id else "", member.residence.code if member.residence_id else "",
            member.note, member.unit.name if member.unit_id else "", member.get_gender_display(), member.birth_date,
        ])
    return rows, revealed


def audit_safe_search(search):
    """The search term as an audit row may keep it: a full ID number or mobile (the list finds members by
    them), or anything with as many digits as one, is masked, never stored in clear."""
    if not search:
        return search
    if is_valid_id_number(search):
        return mask_id_number(normalize_id_number(search))
    if sum(ch.isdigit() for ch in search) >= 7:
        return mask_id_number(search)
    return search
