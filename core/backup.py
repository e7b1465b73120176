"""Backup and restore of the PostgreSQL database with ``pg_dump --format=custom`` and ``pg_restore``
(``manage.py backup_db`` / ``restore_db``; docs/operations.md).

A backup is two files: the archive (``NAME.dump``) and its manifest (``NAME.dump.json``): the archive's
SHA-256, the row count of every table (counted in the very snapshot ``pg_dump`` dumps, through an
exported snapshot), the applied migrations, and the *fingerprints* of the PII keys the encrypted values
need. The keys themselves are never written into either file: they live in the key store of the
deployment (the ``.env`` of docker compose, kept apart from the backups; see the docs).

A restore goes into a fresh, empty database (never over the configured one), in one transaction
(``--single-transaction``: all or nothing), then checks every table's row count against the manifest and
that every encrypted value opens with the configured keys.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.translation import gettext as _

from .crypto import DecryptionError, decrypt_pii, key_fingerprint, pii_keys
from .pii import encrypted_fields

MANIFEST_SUFFIX = ".json"
MANIFEST_FORMAT = 1


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why (never a key)."""


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def pg_tool(name: str, bin_dir: str | None = None) -> str:
    """The path of ``pg_dump``/``pg_restore``: in ``bin_dir`` if given, else on PATH."""
    path = shutil.which(name, path=bin_dir) if bin_dir else shutil.which(name)
    if not path:
        raise BackupError(_("%(tool)s not found in %(where)s (install the PostgreSQL client of the server's "
                            "major version).") % {"tool": name, "where": bin_dir or "PATH"})
    return path


def _require_postgres(settings_dict: dict) -> None:
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(_("backup_db and restore_db need PostgreSQL (DATABASE_URL=postgres://…); a SQLite "
                            "file is backed up by copying it while the application is stopped."))


def pg_env(settings_dict: dict) -> dict:
    """The environment for the client tools: connection parameters as PG* variables, so that the
    password never appears on a command line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for var, key in (("PGSSLMODE", "sslmode"), ("PGSSLROOTCERT", "sslrootcert")):
        if options.get(key):
            env[var] = str(options[key])
    return env


def open_connection(name: str | None = None, alias: str = "ops"):
    """A new connection with the default database's parameters (to database ``name`` if given)."""
    settings_dict = dict(connection.settings_dict)
    _require_postgres(settings_dict)
    if name is not None:
        settings_dict["NAME"] = name
    wrapper = type(connections[DEFAULT_DB_ALIAS])(settings_dict, alias=alias)
    wrapper.ensure_connection()
    return wrapper


def table_counts(cursor) -> dict[str, int]:
    """Rows of every ordinary table in the ``public`` schema, by table name (one statement)."""
    from psycopg import sql

    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    tables = [row[0] for row in cursor.fetchall()]
    if not tables:
        return {}
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}, count(*) FROM {}").format(sql.Literal(t), sql.Identifier(t)) for t in tables
    )
    cursor.execute(query.as_string(cursor.connection))
    return {name: int(n) for name, n in cursor.fetchall()}


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _run(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(_("%(tool)s failed (exit status %(code)s): %(error)s") % {
            "tool": Path(argv[0]).name, "code": result.returncode, "error": result.stderr.strip()[-2000:]})
    return result


def key_manifest() -> dict:
    from django.conf import settings

    return {"pii_encryption_keys": [key_fingerprint(k) for k in pii_keys()],
            "pii_hash_key": key_fingerprint(settings.PII_HASH_KEY)}


def backup(output: Path, *, bin_dir: str | None = None) -> dict:
    """Dump the configured database into ``output`` (custom format) and write its manifest. The row counts
    are taken in the snapshot the dump is made from. Returns the manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists():
        raise BackupError(_("%(path)s exists already: a backup never overwrites another.") % {"path": output})
    pg_dump, pg_restore = pg_tool("pg_dump", bin_dir), pg_tool("pg_restore", bin_dir)
    wrapper = open_connection(alias="backup_snapshot")
    settings_dict = wrapper.settings_dict
    partial = output.with_name(output.name + ".partial")
    try:
        with wrapper.connection.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute("SELECT pg_export_snapshot(), current_setting('server_version'), now()")
            snapshot, server_version, taken_at = cur.fetchone()
            counts = table_counts(cur)
            cur.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
            migrations: dict[str, str] = {}
            for app, name in cur.fetchall():
                migrations[app] = name  # the last one applied per app
            # The snapshot stays valid while this transaction is open: pg_dump dumps exactly what was counted.
            _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={partial}", f"--dbname={settings_dict['NAME']}"], pg_env(settings_dict))
            cur.execute("COMMIT")
        os.chmod(partial, 0o600)  # encrypted personal data and password hashes: owner only
        _run([pg_restore, "--list", str(partial)], pg_env(settings_dict))  # the archive reads back
        os.replace(partial, output)
    finally:
        if partial.exists():
            partial.unlink()
        wrapper.close()
    manifest = {
        "format": MANIFEST_FORMAT,
        "file": output.name,
        "sha256": sha256_of(output),
        "bytes": output.stat().st_size,
        "database": settings_dict["NAME"],
        "server_version": server_version,
        "taken_at": taken_at.isoformat(),
        "tables": counts,
        "rows": sum(counts.values()),
        "migrations": migrations,
        # Fingerprints only: the keys are kept in the deployment's key store, never in a backup.
        "keys": key_manifest(),
    }
    path = manifest_path(output)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.chmod(path, 0o600)
    return manifest


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def undecryptable_in(wrapper, limit: int = 20) -> tuple[int, int, list[str]]:
    """(tokens checked, tokens the configured keys cannot open, where) in the database of ``wrapper``."""
    checked, bad, where = 0, 0, []
    with wrapper.connection.cursor() as cur:
        for model, names in encrypted_fields():
            opts = model._meta
            cols = [opts.get_field(n).column for n in names]
            cur.execute(f"SELECT {_quote(opts.pk.column)}, {', '.join(map(_quote, cols))} FROM {_quote(opts.db_table)}")
            for pk, *tokens in cur.fetchall():
                for name, token in zip(names, tokens):
                    if not token:
                        continue
                    checked += 1
                    try:
                        decrypt_pii(token)
                    except DecryptionError:
                        bad += 1
                        if len(where) < limit:
                            where.append(f"{opts.label_lower}.{name} pk={pk}")
    return checked, bad, where


def restore(dump: Path, *, target: str, create: bool = False, bin_dir: str | None = None,
            manifest_required: bool = True) -> dict:
    """Restore ``dump`` into the fresh database ``target`` (created when ``create``), then check it
    against the manifest and the configured keys. Returns a report; raises ``BackupError``."""
    dump = Path(dump)
    if not dump.is_file():
        raise BackupError(_("%(path)s is not a file.") % {"path": dump})
    live = connection.settings_dict["NAME"]
    _require_postgres(connection.settings_dict)
    if target == live:
        raise BackupError(_("Refusing to restore over the configured database %(name)s: restore into a new "
                            "database, check it, then switch DATABASE_URL to it.") % {"name": live})
    manifest = None
    mpath = manifest_path(dump)
    if mpath.exists():
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        if manifest.get("sha256") != sha256_of(dump):
            raise BackupError(_("%(file)s does not match its manifest (the SHA-256 differs): damaged or "
                                "replaced.") % {"file": dump.name})
    elif manifest_required:
        raise BackupError(_("%(file)s is missing (use --no-manifest to restore an archive without one).") % {
            "file": mpath.name})
    pg_restore = pg_tool("pg_restore", bin_dir)
    from psycopg import sql

    admin = open_connection("postgres", alias="restore_admin")
    created = False
    try:
        with admin.connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target])
            exists = cur.fetchone() is not None
            if create:
                if exists:
                    raise BackupError(_("Database %(name)s exists already (without --create it must exist and "
                                        "be empty).") % {"name": target})
                cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(target)).as_string(cur.connection))
                created = True
            elif not exists:
                raise BackupError(_("Database %(name)s does not exist (add --create).") % {"name": target})
        report = _restore_into(dump, target, pg_restore, manifest)
    except BaseException:
        if created:  # nothing half-restored stays behind
            with admin.connection.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(target)).as_string(cur.connection))
        raise
    finally:
        admin.close()
    report["created"] = created
    return report


def _restore_into(dump: Path, target: str, pg_restore: str, manifest: dict | None) -> dict:
    wrapper = open_connection(target, alias="restore_target")
    try:
        with wrapper.connection.cursor() as cur:
            if table_counts(cur):
                raise BackupError(_("Database %(name)s is not empty: restore only into a fresh database.") % {
                    "name": target})
        _run([pg_restore, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges",
              f"--dbname={target}", str(dump)], pg_env(wrapper.settings_dict))
        with wrapper.connection.cursor() as cur:
            counts = table_counts(cur)
        report = {"target": target, "tables": len(counts), "rows": sum(counts.values())}
        if manifest is not None:
            expected = manifest["tables"]
            wrong = sorted(t for t in set(expected) | set(counts) if expected.get(t) != counts.get(t))
            if wrong:
                raise BackupError(_("Row counts differ from the manifest: %(tables)s") % {"tables": ", ".join(
                    f"{t} {counts.get(t)} != {expected.get(t)}" for t in wrong[:20])})
            report["counts_checked"] = len(expected)
            missing = [fp for fp in manifest.get("keys", {}).get("pii_encryption_keys", [])
                       if fp not in {key_fingerprint(k) for k in pii_keys()}]
            report["keys_not_configured"] = missing
        checked, bad, where = undecryptable_in(wrapper)
        report.update(encrypted_checked=checked, encrypted_undecryptable=bad)
        if bad:
            raise BackupError(_("%(bad)s of %(checked)s encrypted values cannot be decrypted with the configured "
                                "PII_ENCRYPTION_KEYS (first: %(where)s); configure the keys this backup was made "
                                "with (see the fingerprints in its manifest).") % {
                "bad": bad, "checked": checked, "where": ", ".join(where[:5])})
        return report
    finally:
        wrapper.close()
