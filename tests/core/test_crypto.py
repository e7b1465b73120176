import pytest
from cryptography.fernet import Fernet

from core.crypto import DecryptionError, decrypt_pii, encrypt_pii, pii_hash, rotate_pii

ID = "11010519491231002X"


@pytest.fixture
def keys(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PII_ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_round_trip(keys):
    token = encrypt_pii(ID)
    assert token != ID and ID not in token
    assert decrypt_pii(token) == ID
    assert decrypt_pii(encrypt_pii("13812345678")) == "13812345678"
    assert decrypt_pii(encrypt_pii("张三")) == "张三"


def test_two_encryptions_differ(keys):
    assert encrypt_pii(ID) != encrypt_pii(ID)


def test_hash_stable_normalized_and_keyed(settings):
    settings.PII_HASH_KEY = "key-one"
    first = pii_hash(ID)
    assert first == pii_hash(ID)
    assert len(first) == 64 and ID not in first
    assert pii_hash("11010519491231002x") == first
    assert pii_hash(" 110105 19491231002X ") == first
    assert pii_hash("430102199001011233") != first
    settings.PII_HASH_KEY = "key-two"
    assert pii_hash(ID) != first


def test_rotation(keys):
    settings, old, new = keys
    token = encrypt_pii(ID)
    settings.PII_ENCRYPTION_KEYS = [new, old]  # new key prepended: old tokens still decrypt
    assert decrypt_pii(token) == ID
    rotated = rotate_pii(token)
    assert rotated != token
    settings.PII_ENCRYPTION_KEYS = [new]  # old key retired
    assert decrypt_pii(rotated) == ID
    with pytest.raises(DecryptionError):
        decrypt_pii(token)


def test_cache_follows_settings(keys):
    settings, old, new = keys
    token = encrypt_pii(ID)
    settings.PII_ENCRYPTION_KEYS = [new]
    with pytest.raises(DecryptionError):
        decrypt_pii(token)
    assert decrypt_pii(encrypt_pii(ID)) == ID


def test_tampered_token(keys):
    token = encrypt_pii(ID)
    with pytest.raises(DecryptionError):
        decrypt_pii(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    with pytest.raises(DecryptionError):
        decrypt_pii("not a token")
