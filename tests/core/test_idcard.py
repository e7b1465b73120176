import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from core.idcard import (
    check_digit,
    generate_id_number,
    id_birth_date,
    id_gender,
    is_valid_id_number,
    mask_id_number,
    mask_phone,
    normalize_id_number,
)

# Check digits computed by hand with ISO 7064 MOD 11-2 (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
VALID_X = "11010519491231002X"  # the GB 11643 example, check character X
VALID_MALE = "430102199001011238"
VALID_FEMALE = "43100319851212002X"


def code_of(value):
    with pytest.raises(ValidationError) as info:
        normalize_id_number(value)
    return info.value.code


def test_check_digit_known_values():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("43010219900101123") == "8"
    with pytest.raises(ValueError):
        check_digit("123")


@pytest.mark.parametrize("number", [VALID_X, VALID_MALE, VALID_FEMALE])
def test_valid_numbers(number):
    assert normalize_id_number(number) == number
    assert is_valid_id_number(number)


def test_normalization():
    assert normalize_id_number(" 11010519491231002x ") == VALID_X
    assert normalize_id_number("110105 19491231 002X") == VALID_X
    assert normalize_id_number("\u3000１１０１０５１９４９１２３１００２ｘ\u00a0") == VALID_X  # full-width
    assert normalize_id_number("'430102199001011238") == VALID_MALE  # apostrophe typed in Excel
    assert normalize_id_number('="430102199001011238"') == VALID_MALE  # CSV text trick


@pytest.mark.parametrize(
    "value",
    [430102199001011238, 4.30102199001011e17, "4.30102E+17", "4.30102e17", "4.30102E17",
     "430102199001011234.0", "4.3010219900101E+017"],
)
def test_excel_number(value):
    assert code_of(value) == "excel_number"


@pytest.mark.parametrize("value", ["", None, "4301021990010112", "4301021990010112384", "123"])
def test_length(value):
    assert code_of(value) == "length"


@pytest.mark.parametrize("value", ["43010219900101123A", "4301021990010112X3", "X30102199001011233", True])
def test_format(value):
    assert code_of(value) == "format"


def _with_check(first17):
    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    "first17",
    ["43010219900230123", "43010218991231123", "43010219901301123", "43010230000101123", "43010219900100123"],
)
def test_birthdate(first17):
    assert code_of(_with_check(first17)) == "birthdate"


def test_future_birthdate():
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    assert code_of(_with_check(f"430102{tomorrow:%Y%m%d}123")) == "birthdate"


def test_checksum():
    assert code_of("430102199001011234") == "checksum"
    assert code_of("110105194912310021") == "checksum"


def test_error_has_message():
    with pytest.raises(ValidationError) as info:
        normalize_id_number("430102199001011234")
    assert info.value.messages and info.value.messages[0]


def test_birth_and_gender():
    assert id_birth_date(VALID_X) == datetime.date(1949, 12, 31)
    assert id_gender(VALID_X) == "F"  # 17th digit 2
    assert id_gender(VALID_MALE) == "M"  # 17th digit 3 (odd)
    assert id_gender(VALID_FEMALE) == "F"
    with pytest.raises(ValidationError):
        id_gender("430102199001011234")


def test_mask_id_number():
    assert mask_id_number(VALID_X) == "110***********002X"
    masked = mask_id_number(VALID_MALE)
    assert masked == "430***********1238" and len(masked) == 18
    assert mask_id_number("") == "" and mask_id_number(None) == ""
    assert mask_id_number("1234567") == "*******"


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("2345678") == "*****78"
    assert mask_phone("07352345678") == "073****5678"
    assert mask_phone("") == ""
    assert mask_phone("12") == "**"


@pytest.mark.parametrize("seed", [0, 1, 2, 42, 2026])
def test_generate_always_valid(seed):
    rng = random.Random(seed)
    for _ in range(200):
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 90))
        gender = rng.choice("MF")
        number = generate_id_number(rng, birth=birth, gender=gender)
        assert normalize_id_number(number) == number
        assert number.startswith("431003")
        assert id_birth_date(number) == birth
        assert id_gender(number) == gender


def test_generate_is_deterministic_and_checks_args():
    birth = datetime.date(1980, 5, 6)
    a = generate_id_number(random.Random(7), birth=birth, gender="M", region="430102")
    b = generate_id_number(random.Random(7), birth=birth, gender="M", region="430102")
    assert a == b and a.startswith("430102")
    with pytest.raises(ValueError):
        generate_id_number(random.Random(), birth=birth, gender="X")
    with pytest.raises(ValueError):
        generate_id_number(random.Random(), birth=birth, gender="M", region="43")
