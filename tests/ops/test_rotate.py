"""Key rotation (issue 15, item 7): a new key in front of PII_ENCRYPTION_KEYS, ``rotate_pii_keys`` re-encrypts
every value with it in batches, once (a second run changes nothing), with one audit row of counts."""
from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from core.crypto import DecryptionError, decrypt_pii, encrypt_pii, pii_token_is_current
from core.models import AuditLog
from core.pii import ROTATE_ACTION, encrypted_fields
from org.models import Member
from org.testing import build_persona_tree

from .conftest import new_key, seed_members

pytestmark = pytest.mark.django_db


def _tokens():
    return {pk: (idn, phone) for pk, idn, phone in
            Member.objects.values_list("pk", "id_number_encrypted", "phone_encrypted")}


def _plain(tokens):
    return {pk: (decrypt_pii(idn), decrypt_pii(phone) if phone else "") for pk, (idn, phone) in tokens.items()}


def test_encrypted_columns_are_found():
    assert (Member, ["id_number_encrypted", "phone_encrypted"]) in encrypted_fields()


def test_rotation_re_encrypts_everything_once(pii_keys):
    settings = pii_keys
    old = settings.PII_ENCRYPTION_KEYS[0]
    originals = seed_members(build_persona_tree())  # 12 members, 8 of them with a phone
    values = sum(1 for idn, phone in originals.values() for v in (idn, phone) if v)
    stamps = dict(Member.objects.values_list("pk", "updated_at"))
    hashes = dict(Member.objects.values_list("pk", "id_number_hash"))
    old_tokens = _tokens()

    new = new_key()
    settings.PII_ENCRYPTION_KEYS = [new, old]
    # While both keys are configured a value encrypted with the old key reads, and new writes use the new key.
    assert _plain(old_tokens) == originals
    assert pii_token_is_current(encrypt_pii("x")) and not pii_token_is_current(old_tokens[next(iter(old_tokens))][0])

    with pytest.raises(CommandError) as check:  # before: --check finds stale values
        call_command("rotate_pii_keys", check=True)
    assert check.value.returncode == 1
    assert not AuditLog.objects.filter(action=ROTATE_ACTION).exists()  # a check writes nothing

    call_command("rotate_pii_keys", batch_size=5)
    rows = list(AuditLog.objects.filter(action=ROTATE_ACTION))
    assert len(rows) == 1
    assert rows[0].after["rotated"] == values and rows[0].after["current"] == 0
    assert rows[0].after["undecryptable"] == 0 and rows[0].after["batches"] == 3  # 12 rows, 5 per batch
    assert rows[0].after["fields"]["org.member.id_number_encrypted"]["rotated"] == len(originals)

    rotated = _tokens()
    assert all(rotated[pk][0] != old_tokens[pk][0] for pk in rotated)
    assert dict(Member.objects.values_list("pk", "updated_at")) == stamps  # the data did not change
    assert dict(Member.objects.values_list("pk", "id_number_hash")) == hashes

    # The old key retired: everything still reads with the new key alone; the old tokens do not.
    settings.PII_ENCRYPTION_KEYS = [new]
    assert _plain(rotated) == originals
    with pytest.raises(DecryptionError):
        decrypt_pii(old_tokens[next(iter(old_tokens))][0])
    call_command("rotate_pii_keys", check=True)  # exit 0: nothing stale

    # Idempotent: a second run rewrites nothing and says so in its own audit row.
    call_command("rotate_pii_keys")
    assert _tokens() == rotated
    second = AuditLog.objects.filter(action=ROTATE_ACTION).order_by("-pk").first()
    assert second.after["rotated"] == 0 and second.after["current"] == values


def test_a_value_no_key_opens_is_left_alone_and_reported(pii_keys):
    settings = pii_keys
    old = settings.PII_ENCRYPTION_KEYS[0]
    originals = seed_members(build_persona_tree(), per_unit=1)
    lost = Member.objects.order_by("pk").first()
    settings.PII_ENCRYPTION_KEYS = [new_key()]
    foreign = encrypt_pii("11010519491231002X")  # made with a key nobody keeps
    Member.objects.filter(pk=lost.pk).update(id_number_encrypted=foreign)

    new = new_key()
    settings.PII_ENCRYPTION_KEYS = [new, old]
    with pytest.raises(CommandError) as failed:
        call_command("rotate_pii_keys")
    assert failed.value.returncode == 1
    assert Member.objects.get(pk=lost.pk).id_number_encrypted == foreign
    row = AuditLog.objects.get(action=ROTATE_ACTION)
    assert row.after["undecryptable"] == 1
    settings.PII_ENCRYPTION_KEYS = [new]
    others = {pk: v for pk, v in originals.items() if pk != lost.pk}
    assert {pk: v for pk, v in _plain({pk: t for pk, t in _tokens().items() if pk != lost.pk}).items()} == others


def test_batch_size_must_be_positive(pii_keys):
    with pytest.raises(CommandError):
        call_command("rotate_pii_keys", batch_size=0)
    assert not AuditLog.objects.filter(action=ROTATE_ACTION).exists()
