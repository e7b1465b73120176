"""``manage.py backup_db [--output PATH]``: a ``pg_dump --format=custom`` archive of the configured
PostgreSQL database plus its manifest (``PATH.json``: SHA-256, row counts taken in the dumped snapshot,
migrations, fingerprints of the PII keys). The keys are never in a backup. One EXPORT audit row.
See docs/operations.md; restore with ``manage.py restore_db``.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import record
from core.backup import BackupError, backup
from core.models import AuditLog


class Command(BaseCommand):
    help = "Back up the PostgreSQL database (pg_dump --format=custom) with a manifest; never the keys."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="archive path (default: backups/suxian-<time>.dump)")
        parser.add_argument("--pg-bin", help="directory of pg_dump/pg_restore (default: PATH)")

    def handle(self, *args, output=None, pg_bin=None, **options):
        path = Path(output or f"backups/suxian-{timezone.localtime():%Y%m%d-%H%M%S}.dump")
        try:
            manifest = backup(path, bin_dir=pg_bin)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record(kind=AuditLog.Kind.EXPORT, action="db.backup", actor_username="manage.py backup_db",
               object_type="database", object_repr=manifest["database"],
               after={k: manifest[k] for k in ("file", "sha256", "bytes", "rows", "taken_at")})
        self.stdout.write(_("Backed up %(rows)s rows of %(tables)s tables to %(path)s (%(bytes)s bytes); "
                            "manifest %(path)s.json. The PII keys are not in the backup: keep them in the key "
                            "store.") % {"rows": manifest["rows"], "tables": len(manifest["tables"]),
                                         "path": path, "bytes": manifest["bytes"]})
