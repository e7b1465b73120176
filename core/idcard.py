"""Chinese resident identity card numbers (居民身份证号码, GB 11643-1999).

An 18-character number: 6-digit region code, 8-digit birth date (YYYYMMDD), 3-digit sequence (odd for men,
even for women) and a check character computed with ISO 7064 MOD 11-2 (0-9 or X).

``normalize_id_number`` is the one gate every ID number goes through (forms, imports, API). It raises a
``ValidationError`` whose ``code`` says what is wrong, so importers can build "第 N 行 身份证号：原因".
"""
from __future__ import annotations

import datetime
import decimal
import random
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

ID_LENGTH = 18
SUXIAN_REGION = "431003"

# Weight of position i (0-based, left to right) is 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
# Check character for (weighted sum mod 11) = index.
_CHECK_CHARS = "10X98765432"

_FORMAT_RE = re.compile(r"^\d{17}[\dX]$")
# Shapes a number takes once Excel (or a CSV round-trip through Excel) has turned it into a float:
# "4.30102E+17", "4.30102e17", "430102199001011000.0", "4.3010219900101E+017".
_SCIENTIFIC_RE = re.compile(r"^[+-]?\d+(?:\.\d*)?E[+-]?\d+$")
_DECIMAL_RE = re.compile(r"^\d+\.\d*$")
# A CSV trick to force text in Excel: ="430102...".
_EXCEL_TEXT_RE = re.compile(r'^="(.*)"$')
_MIN_BIRTH = datetime.date(1900, 1, 1)


def _error(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character ("0"-"9" or "X") for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit() needs exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def _clean_text(value: str) -> str:
    # NFKC turns full-width digits and letters (４３０１…Ｘ) into ASCII; then drop every kind of whitespace
    # (including U+3000 and no-break spaces, which Excel users paste in) and upper-case a trailing x.
    text = unicodedata.normalize("NFKC", value)
    text = "".join(text.split())
    match = _EXCEL_TEXT_RE.match(text)
    if match:
        text = match.group(1)
    if text.startswith("'"):  # a leading apostrophe typed to force text in Excel
        text = text[1:]
    return text.upper()


def _today() -> datetime.date:
    try:
        return timezone.localdate()
    except Exception:  # settings not configured or naive time zone setup: fall back to the system date
        return datetime.date.today()


def normalize_id_number(value) -> str:
    """Return the canonical form of an ID number (18 chars, upper-case X) or raise ``ValidationError``.

    Error codes: ``excel_number`` (Excel made a number of it, so digits are lost), ``length``, ``format``,
    ``birthdate`` (not a real date, before 1900 or in the future), ``checksum``.
    """
    if isinstance(value, bool):
        raise _error(gettext("The ID number is not text."), "format")
    if isinstance(value, (int, float, decimal.Decimal)):
        raise _error(
            gettext(
                "The ID number was stored by Excel as a number, so its last digits are lost. "
                "Format the column as text and type the number again."
            ),
            "excel_number",
        )
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _error(gettext("The ID number is not text."), "format")

    text = _clean_text(value)
    if _SCIENTIFIC_RE.match(text) or _DECIMAL_RE.match(text):
        raise _error(
            gettext(
                "The ID number was stored by Excel as a number (%(value)s), so its last digits are lost. "
                "Format the column as text and type the number again."
            ),
            "excel_number",
            value=text,
        )
    if len(text) != ID_LENGTH:
        raise _error(
            gettext("The ID number must have 18 characters (it has %(length)d)."),
            "length",
            length=len(text),
        )
    if not _FORMAT_RE.match(text):
        raise _error(
            gettext("The ID number must be 17 digits followed by a digit or X."),
            "format",
        )
    birth = _parse_birth(text)
    if birth is None or birth < _MIN_BIRTH or birth > _today():
        raise _error(
            gettext("The birth date in the ID number (%(digits)s) is not a valid date."),
            "birthdate",
            digits=text[6:14],
        )
    if check_digit(text[:17]) != text[17]:
        raise _error(
            gettext("The ID number's check digit is wrong; please check the number for typing errors."),
            "checksum",
        )
    return text


def is_valid_id_number(value) -> bool:
    try:
        normalize_id_number(value)
    except ValidationError:
        return False
    return True


def _parse_birth(text: str) -> datetime.date | None:
    try:
        return datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None


def id_birth_date(id_number: str) -> datetime.date:
    """The birth date encoded in a (valid) ID number. Raises ``ValidationError`` for an invalid one."""
    text = normalize_id_number(id_number)
    birth = _parse_birth(text)
    assert birth is not None  # normalize_id_number() checked it
    return birth


def id_gender(id_number: str) -> str:
    """``"M"`` if the 17th digit is odd, else ``"F"``. Raises ``ValidationError`` for an invalid number."""
    text = normalize_id_number(id_number)
    return "M" if int(text[16]) % 2 == 1 else "F"


def mask_id_number(v) -> str:
    """``430***********123X``: first 3 and last 4 kept, the rest starred, same length.

    Values too short to keep 7 characters and still hide something are starred entirely.
    """
    if v is None:
        return ""
    text = "".join(str(v).split())
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_phone(v) -> str:
    """``138****5678`` for an 11-digit mobile number (first 3 and last 4 kept, same length).

    Longer numbers keep the first 3 and last 4 too; shorter ones keep only the last 2.
    """
    if v is None:
        return ""
    text = "".join(str(v).split())
    if len(text) >= 11:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) <= 2:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def generate_id_number(
    rng: random.Random, *, region: str = SUXIAN_REGION, birth: datetime.date, gender: str
) -> str:
    """A valid ID number for demo data and benchmarks (deterministic for a seeded ``rng``)."""
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError("region must be 6 digits")
    if gender not in ("M", "F"):
        raise ValueError('gender must be "M" or "F"')
    if not (_MIN_BIRTH <= birth <= datetime.date(9999, 12, 31)):
        raise ValueError("birth must be on or after 1900-01-01")
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8))
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
