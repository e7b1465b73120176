"""Delete audit rows older than the retention period (default 365 days, never under 180: on
PostgreSQL the database refuses younger deletes anyway). Prints how many rows went; ``--dry-run``
only counts them."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import AuditLog

FLOOR_DAYS = 180


class Command(BaseCommand):
    help = "Delete audit-log rows older than --days (at least 180)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, days: int, dry_run: bool, **options):
        if days < FLOOR_DAYS:
            raise CommandError(f"--days must be at least {FLOOR_DAYS} (audit rows are kept for six months)")
        old = AuditLog.objects.filter(at__lt=timezone.now() - dt.timedelta(days=days))
        # the one legitimate delete: the queryset refuses delete(), so this goes below it
        count = old.count() if dry_run else old._raw_delete(old.db)
        self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {count} audit rows older than {days} days")
