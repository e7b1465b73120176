"""The backup and restore drill on a real PostgreSQL (issue 15, item 7): ``backup_db`` → ``restore_db`` into a
fresh database → every row, every ID number and a consistent tree; the keys are never in the backup; an
old backup stays readable after a key rotation while the old key is kept, and only then."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import manifest_path, table_counts
from core.crypto import key_fingerprint, pii_token_is_current
from core.models import AuditLog
from org.integrity import tree_problems
from org.models import Member
from org.testing import build_persona_tree

from .conftest import PG_BIN, check_restored, database_exists, new_key, seed_members

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _counts() -> dict[str, int]:
    with connection.cursor() as cur:
        return table_counts(cur)


def _archive_as_sql(dump: Path) -> str:
    """The whole archive decompressed to SQL text (what an attacker holding the file could read)."""
    result = subprocess.run([f"{PG_BIN or '/usr/bin'}/pg_restore", "--file=-", str(dump)], capture_output=True,
                            text=True, check=True)
    return result.stdout


def test_backup_restore_round_trip(pii_keys, tmp_path, fresh_database_name):
    settings = pii_keys
    tree = build_persona_tree()
    originals = seed_members(tree)
    assert tree_problems() == []
    before = _counts()
    assert before["org_member"] == len(originals) and before["org_orgunit"] >= 10

    dump = tmp_path / "suxian.dump"
    call_command("backup_db", output=str(dump), pg_bin=PG_BIN)
    manifest = json.loads(manifest_path(dump).read_text(encoding="utf-8"))
    assert manifest["tables"] == before  # counted in the very snapshot that was dumped
    assert manifest["keys"]["pii_encryption_keys"] == [key_fingerprint(settings.PII_ENCRYPTION_KEYS[0])]
    assert dump.stat().st_mode & 0o077 == 0  # owner-only file
    assert AuditLog.objects.filter(action="db.backup", kind=AuditLog.Kind.EXPORT).count() == 1

    # Neither file holds a key or a plaintext ID number / phone.
    sql_text = _archive_as_sql(dump)
    manifest_text = manifest_path(dump).read_text(encoding="utf-8")
    assert "org_member" in sql_text and "COPY public.org_member" in sql_text
    for secret in [*settings.PII_ENCRYPTION_KEYS, settings.PII_HASH_KEY]:
        assert secret not in sql_text and secret not in manifest_text
    for id_number, phone in originals.values():
        assert id_number not in sql_text
        assert not phone or phone not in sql_text

    target = fresh_database_name()
    call_command("restore_db", str(dump), target=target, create=True, pg_bin=PG_BIN)
    restored = check_restored(target, list(settings.PII_ENCRYPTION_KEYS), settings.PII_HASH_KEY)
    assert restored["database"] == target
    assert restored["counts"] == before
    assert restored["members"] == {str(pk): list(values) for pk, values in originals.items()}
    assert restored["tree_problems"] == []
    assert restored["member_count_problems"] == []


def test_restore_refuses_the_live_database_a_used_one_and_a_damaged_archive(pii_keys, tmp_path,
                                                                            fresh_database_name):
    tree = build_persona_tree()
    seed_members(tree, per_unit=1)
    dump = tmp_path / "suxian.dump"
    call_command("backup_db", output=str(dump), pg_bin=PG_BIN)
    with pytest.raises(CommandError):  # a second backup never overwrites the first
        call_command("backup_db", output=str(dump), pg_bin=PG_BIN)

    live = connection.settings_dict["NAME"]
    before = _counts()
    with pytest.raises(CommandError):
        call_command("restore_db", str(dump), target=live, pg_bin=PG_BIN)
    assert _counts() == before

    # Into a database that already holds tables: refused, nothing restored into it.
    used = fresh_database_name()
    call_command("restore_db", str(dump), target=used, create=True, pg_bin=PG_BIN)
    with pytest.raises(CommandError):
        call_command("restore_db", str(dump), target=used, pg_bin=PG_BIN)
    dumped = json.loads(manifest_path(dump).read_text(encoding="utf-8"))["tables"]
    assert check_restored(used, list(pii_keys.PII_ENCRYPTION_KEYS), pii_keys.PII_HASH_KEY)["counts"] == dumped

    # A damaged archive (one byte changed) does not match its manifest: refused, the new database dropped.
    damaged = tmp_path / "damaged.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    manifest_path(damaged).write_text(manifest_path(dump).read_text(encoding="utf-8"), encoding="utf-8")
    target = fresh_database_name()
    with pytest.raises(CommandError):
        call_command("restore_db", str(damaged), target=target, create=True, pg_bin=PG_BIN)
    assert not database_exists(target)


def test_old_backup_readable_after_rotation_while_the_old_key_is_kept(pii_keys, tmp_path, fresh_database_name):
    settings = pii_keys
    old = settings.PII_ENCRYPTION_KEYS[0]
    tree = build_persona_tree()
    originals = seed_members(tree, per_unit=2)
    dump = tmp_path / "before-rotation.dump"
    call_command("backup_db", output=str(dump), pg_bin=PG_BIN)
    before = json.loads(manifest_path(dump).read_text(encoding="utf-8"))["tables"]

    new = new_key()
    settings.PII_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_pii_keys", batch_size=5)
    tokens = list(Member.objects.values_list("id_number_encrypted", flat=True))
    assert tokens and all(pii_token_is_current(t) for t in tokens)

    # Only the new key configured: the old backup cannot be restored (the restore checks every value) and
    # the database it created is dropped again.
    settings.PII_ENCRYPTION_KEYS = [new]
    refused = fresh_database_name()
    with pytest.raises(CommandError):
        call_command("restore_db", str(dump), target=refused, create=True, pg_bin=PG_BIN)
    assert not database_exists(refused)

    # The old key kept next to the new one: the old backup restores and every value opens.
    settings.PII_ENCRYPTION_KEYS = [new, old]
    target = fresh_database_name()
    call_command("restore_db", str(dump), target=target, create=True, pg_bin=PG_BIN)
    restored = check_restored(target, [new, old], settings.PII_HASH_KEY)
    assert restored["counts"] == before
    assert restored["members"] == {str(pk): list(values) for pk, values in originals.items()}
    assert restored["tree_problems"] == []
