"""Personal data at rest: ID numbers and phone numbers.

- ``encrypt_pii`` / ``decrypt_pii``: Fernet (AES-128-CBC + HMAC-SHA256, random IV, so two encryptions of the
  same value differ). ``settings.PII_ENCRYPTION_KEYS`` lists keys newest first: the first encrypts, all
  decrypt, so a new key is rolled out by prepending it, then ``rotate_pii`` re-encrypts old tokens, then the
  old key is removed.
- ``pii_hash``: keyed HMAC-SHA256 of the normalized value, stored next to the ciphertext for uniqueness
  constraints and exact lookups (the ciphertext itself cannot be compared).
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


class DecryptionError(InvalidToken):
    """A token that none of the configured keys can decrypt (wrong key, truncated or tampered)."""


@functools.lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PII_ENCRYPTION_KEYS is empty")
    fernets = []
    for index, key in enumerate(keys):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError) as exc:
            # Never echo the key itself.
            raise ImproperlyConfigured(
                f"PII_ENCRYPTION_KEYS[{index}] is not a valid Fernet key (32 url-safe base64-encoded bytes)"
            ) from exc
    return MultiFernet(fernets)


def pii_keys() -> tuple[str, ...]:
    """``settings.PII_ENCRYPTION_KEYS`` as a tuple, newest first (a comma-separated string is accepted)."""
    keys = settings.PII_ENCRYPTION_KEYS
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(",") if k.strip()]
    return tuple(keys)


def _fernet() -> MultiFernet:
    # Keyed on the key list itself: a changed setting can never be served from a stale cache entry.
    return _multifernet(pii_keys())


def key_fingerprint(key: str | bytes) -> str:
    """A short, non-reversible name of a key (16 hex digits of its SHA-256) for manifests and logs: it
    tells which key a backup needs without containing the key."""
    data = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return hashlib.sha256(data).hexdigest()[:16]


def pii_token_is_current(token: str) -> bool:
    """True when ``token`` was made with the newest key (``rotate_pii`` would only change its IV)."""
    _fernet()  # validates the whole key list first
    try:
        Fernet(pii_keys()[0]).decrypt(token.encode("ascii", errors="replace"))
    except InvalidToken:
        return False
    return True


@receiver(setting_changed)
def _reset_cache(*, setting, **kwargs):
    if setting in ("PII_ENCRYPTION_KEYS", "PII_HASH_KEY"):
        _multifernet.cache_clear()


def encrypt_pii(plaintext: str) -> str:
    """Encrypt with the newest key; returns an ASCII token (about 100 characters for an ID number)."""
    if not isinstance(plaintext, str):
        raise TypeError("encrypt_pii() takes a str")
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_pii(token: str) -> str:
    """Decrypt a token made with any configured key. Raises ``DecryptionError`` if none can."""
    if isinstance(token, str):
        token_bytes = token.encode("ascii", errors="replace")
    elif isinstance(token, (bytes, memoryview)):
        token_bytes = bytes(token)
    else:
        raise TypeError("decrypt_pii() takes a str")
    try:
        return _fernet().decrypt(token_bytes).decode("utf-8")
    except InvalidToken as exc:
        raise DecryptionError("PII token cannot be decrypted with the configured keys") from exc


def rotate_pii(token: str) -> str:
    """Re-encrypt a token with the newest key (the value is unchanged). Raises ``DecryptionError``."""
    try:
        return _fernet().rotate(token.encode("ascii", errors="replace")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("PII token cannot be decrypted with the configured keys") from exc


def normalize_pii(value: str) -> str:
    """The form that is hashed: NFKC (full-width digits become ASCII), no whitespace, upper case."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(text.split()).upper()


def pii_hash(value: str) -> str:
    """HMAC-SHA256 (hex, 64 chars) of the normalized value with ``settings.PII_HASH_KEY``.

    Stable across processes and key rotations of PII_ENCRYPTION_KEYS; changing PII_HASH_KEY changes
    every hash (it needs a re-hash migration).
    """
    if not isinstance(value, str):
        raise TypeError("pii_hash() takes a str")
    key = settings.PII_HASH_KEY
    if not key:
        raise ImproperlyConfigured("PII_HASH_KEY is empty")
    key_bytes = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return hmac.new(key_bytes, normalize_pii(value).encode("utf-8"), hashlib.sha256).hexdigest()
