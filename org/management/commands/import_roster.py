"""``manage.py import_roster FILE --as USERNAME [--dry-run] [--unit CODE]`` and ``--template OUT.xlsx``."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.scoping import ScopeDenied
from org.imports import roster_import, template_bytes
from org.models import OrgUnit


class Command(BaseCommand):
    help = ("Import a member roster (.xlsx or .csv) as a user, all or nothing; exits non-zero if the file or "
            "any row is refused. --template OUT.xlsx writes the template.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--as", dest="username", help="the user the import runs as (their scope applies)")
        parser.add_argument("--unit", help="code of the unit the import covers (default: the user's first)")
        parser.add_argument("--dry-run", action="store_true", help="preview only: check every row, write nothing")
        parser.add_argument("--template", metavar="OUT.xlsx", help="write the roster template and exit")

    def handle(self, *args, **opts):
        if opts["template"]:
            Path(opts["template"]).write_bytes(template_bytes())
            self.stdout.write(f"template written to {opts['template']}")
            return
        if not opts["file"] or not opts["username"]:
            raise CommandError("give FILE and --as USERNAME (or --template OUT.xlsx)")
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {opts['username']!r}")
        unit = None
        if opts["unit"]:
            unit = OrgUnit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit with code {opts['unit']!r}")
        path = Path(opts["file"])
        try:
            result = roster_import(actor=user, source=path, filename=path.name, unit=unit,
                                   dry_run=opts["dry_run"])
        except ScopeDenied:
            raise CommandError("this user may not import members into that unit")
        if result.file_error is not None:
            raise CommandError(f"file refused ({result.file_error.code}): {result.file_error.message}")
        for error in result.errors:
            self.stderr.write(error.message)
        summary = (f"rows {result.total}: new {result.created}, updated {result.updated}, "
                   f"unchanged {result.skipped}, errors {result.error_rows}")
        if not result.ok:
            raise CommandError(f"{summary}; nothing was imported (import record {result.record.pk})")
        verb = "would import" if opts["dry_run"] else "imported"
        self.stdout.write(f"{verb}: {summary} (import record {result.record.pk})")
