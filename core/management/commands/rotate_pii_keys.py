"""Re-encrypt every encrypted personal value (``*_encrypted`` columns) with the newest PII key.

Roll-out of a new key (docs/operations.md, "Key rotation"):
1. prepend the new key to PII_ENCRYPTION_KEYS (``NEW,OLD``) and restart web, worker and beat;
2. ``manage.py rotate_pii_keys`` (batches, one transaction each, one audit row; a second run changes
   nothing);
3. ``manage.py rotate_pii_keys --check`` answers 0 when no token needs the old key any more;
4. keep the old key in the key store as long as backups made before step 2 are kept (they need it).

Exit status: 0 done; 1 some tokens no configured key opens (left untouched, listed), or ``--check``
found tokens not on the newest key.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.crypto import key_fingerprint, pii_keys
from core.pii import pii_rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every encrypted personal value with the newest key of PII_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")
        parser.add_argument("--check", action="store_true",
                            help="only count; exit 1 if any value is not yet on the newest key")

    def handle(self, *args, batch_size: int, check: bool, **options):
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        keys = pii_keys()
        self.stdout.write(_("Newest key %(fp)s; %(n)s key(s) configured.") % {
            "fp": key_fingerprint(keys[0]), "n": len(keys)})
        report = pii_rotate_all(actor_username="manage.py rotate_pii_keys", batch_size=batch_size, dry_run=check)
        for name, counts in report.fields.items():
            self.stdout.write(f"{name}: " + ", ".join(f"{k}={v}" for k, v in counts.as_dict().items()))
        summary = report.as_dict()
        if report.undecryptable_rows:
            self.stderr.write("\n".join(report.undecryptable_rows))
            raise CommandError(_("%(n)s value(s) cannot be decrypted with the configured keys and were left "
                                 "unchanged.") % {"n": summary["undecryptable"]}, returncode=1)
        if check:
            if summary["rotated"]:
                raise CommandError(_("%(n)s value(s) are not yet encrypted with the newest key.") % {
                    "n": summary["rotated"]}, returncode=1)
            self.stdout.write(_("Every value is encrypted with the newest key."))
            return
        self.stdout.write(_("%(rotated)s value(s) re-encrypted, %(current)s already current, in %(batches)s "
                            "batch(es).") % summary)
