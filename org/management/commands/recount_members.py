"""Compare (``--check``) or rebuild the per-unit counters of current members from the member rows."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from org.integrity import member_count_problems
from org.services.tally import recount


class Command(BaseCommand):
    help = "Check or rebuild the per-unit counts of current members (OrgUnit.direct_members) from the member rows."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="only compare; exit with status 1 when a count differs from the member rows")

    def handle(self, *args, check=False, **options):
        problems = member_count_problems()
        for line in problems:
            self.stdout.write(line)
        if check:
            if problems:
                raise CommandError(_("Some member counts differ from the member rows."))
            self.stdout.write(_("Every member count agrees with the member rows."))
            return
        units = recount()
        self.stdout.write(_("Member counts corrected for %(n)s units.") % {"n": units})
