import time

from django.core.management.base import BaseCommand

from core.registry import demo_steps


class Command(BaseCommand):
    help = "Create the demo district of the article (idempotent: a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="run only steps whose name contains this text")

    def handle(self, *args, **opts):
        for order, label, fn in demo_steps():
            if opts["only"] and opts["only"] not in label:
                continue
            started = time.monotonic()
            result = fn(stdout=self.stdout)
            self.stdout.write(f"seed_demo {label}: {result or 'done'} ({time.monotonic() - started:.1f}s)")
