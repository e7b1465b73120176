"""Shared helpers of the operations drills: a seeded tree with members whose ID numbers and phones are
known, fresh PII keys, and a check of a restored database from a separate process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tests.org.member_factories import MemberFactory, new_id_number

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = "/usr/bin" if os.path.exists("/usr/bin/pg_dump") else None


def new_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def pii_keys(settings):
    """Fresh keys for the test: nothing in the backup may depend on the development defaults."""
    settings.PII_ENCRYPTION_KEYS = [new_key()]
    settings.PII_HASH_KEY = "ops-drill-hash-key-" + uuid.uuid4().hex
    return settings


def seed_members(tree, per_unit: int = 3) -> dict[int, tuple[str, str]]:
    """Members in several units through the member service: {pk: (id number, phone)}."""
    originals = {}
    n = 0
    for unit in (tree.c1, tree.c2, tree.c3, tree.p1):
        for _ in range(per_unit):
            n += 1
            id_number, phone = new_id_number(), f"1390000{n:04d}" if n % 3 else ""
            member = MemberFactory(actor=tree.users["district"], unit=unit, id_number=id_number, phone=phone)
            originals[member.pk] = (id_number, phone)
    return originals


CHECK_SCRIPT = r"""
import json, django
django.setup()
from django.db import connection
from core.backup import table_counts
from core.crypto import decrypt_pii
from org.integrity import member_count_problems, tree_problems
from org.models import Member
members = {}
for pk, idn, phone in Member.objects.values_list("pk", "id_number_encrypted", "phone_encrypted"):
    members[str(pk)] = [decrypt_pii(idn), decrypt_pii(phone) if phone else ""]
with connection.cursor() as cur:
    counts = table_counts(cur)
print(json.dumps({"database": connection.settings_dict["NAME"], "counts": counts, "members": members,
                  "tree_problems": tree_problems(), "member_count_problems": member_count_problems()}))
"""


def check_restored(database: str, keys: list[str], hash_key: str) -> dict:
    """Open the restored database from a new process (as the application would after a switch-over) with
    the given keys only, and report its row counts, decrypted members and integrity problems."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "PII_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}",
               PII_ENCRYPTION_KEYS=",".join(keys), PII_HASH_KEY=hash_key, DEBUG="1",
               SECRET_KEY="ops-drill-secret-key-" + uuid.uuid4().hex, CELERY_BROKER_URL="", CACHE_URL="")
    result = subprocess.run([sys.executable, "-c", CHECK_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def database_exists(name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cur.fetchone() is not None


def drop_database(name: str) -> None:
    assert name.startswith("test_ops_restore_") and name.replace("_", "").isalnum()
    with connection.cursor() as cur:  # autocommit: DROP DATABASE runs outside a transaction block
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database_name():
    """A unique database name (never a CI one), dropped afterwards whatever happened."""
    names = []

    def make() -> str:
        name = f"test_ops_restore_{uuid.uuid4().hex[:12]}"
        names.append(name)
        return name

    yield make
    for name in names:
        drop_database(name)
