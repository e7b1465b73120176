from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.scoping import ScopeDenied
from org.tree_import import tree_import


class Command(BaseCommand):
    help = "Import organisation units from xlsx/csv as a user (all-or-nothing). Exits 1 on any refused row."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="import with this user's scope")
        parser.add_argument("--dry-run", action="store_true", help="preview only")

    def handle(self, *args, **opts):
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {opts['username']!r}")
        try:
            result = tree_import(actor=user, source=opts["file"], filename=opts["file"], commit=not opts["dry_run"])
        except ScopeDenied:
            raise CommandError("this user may not import")
        for error in result.errors:
            self.stderr.write(error)
        self.stdout.write(str(result.summary()))
        if not result.ok:
            raise CommandError("nothing was imported")
        self.stdout.write("committed" if result.committed else "dry run: nothing written")
