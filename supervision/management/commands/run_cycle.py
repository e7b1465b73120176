from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supervision.choices import Cycle
from supervision.cycles import resolve_period
from supervision.services.cycle import CYCLE_RUNNERS


class Command(BaseCommand):
    help = (
        "Run a work-cycle job in-process, exactly as the Celery beat task does "
        "(idempotent: a period already run is skipped)."
    )

    def add_arguments(self, parser):
        parser.add_argument("cycle", choices=[c.value for c in Cycle])
        parser.add_argument("--period", help="2026-11-26 | 2026-W47 | 2026-11 | 2026-Q4 (default: the one just ended)")

    def handle(self, *args, **opts):
        try:
            period = resolve_period(opts["cycle"], opts["period"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        result = CYCLE_RUNNERS[opts["cycle"]](period=period.key)
        self.stdout.write(
            f"{opts['cycle']} {result['period']}: {result['done']} done, {result['skipped']} skipped, "
            f"{result['failed']} failed"
        )
        if result["failed"]:
            raise CommandError(f"{result['failed']} job(s) failed; see the log, then run the period again")
