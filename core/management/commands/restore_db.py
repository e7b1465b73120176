"""``manage.py restore_db PATH --target NAME [--create]``: restore a ``backup_db`` archive into a fresh
database (never the configured one), all or nothing, then check every table's row count against the
manifest and that every encrypted value opens with the configured PII keys. See docs/operations.md.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup_db archive into a fresh PostgreSQL database and check it."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="the .dump archive (its .json manifest next to it)")
        parser.add_argument("--target", required=True, help="name of the database to restore into")
        parser.add_argument("--create", action="store_true", help="create the target database first")
        parser.add_argument("--no-manifest", action="store_true",
                            help="restore an archive without a manifest (no row-count check)")
        parser.add_argument("--pg-bin", help="directory of pg_restore (default: PATH)")

    def handle(self, *args, dump, target, create, no_manifest, pg_bin=None, **options):
        try:
            report = restore(dump, target=target, create=create, bin_dir=pg_bin, manifest_required=not no_manifest)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Restored %(rows)s rows of %(tables)s tables into %(target)s; "
                            "%(encrypted_checked)s encrypted values open with the configured keys.") % report)
        if report.get("keys_not_configured"):
            self.stdout.write(_("Keys of this backup no longer configured (fingerprints): %(fps)s. No value "
                                "needed them.") % {"fps": ", ".join(report["keys_not_configured"])})
