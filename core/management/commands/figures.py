
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.figures import compute_figures, figures_json
from core.scoping import unit_model


class Command(BaseCommand):
    help = "Print the figures computed from records for a unit's subtree (default: the whole district)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--unit", help="unit code (default: the district root)")
        parser.add_argument("--year", type=int, help="year for yearly figures (default: this year)")

    def handle(self, *args, **opts):
        OrgUnit = unit_model()  # noqa: N806 - a model class
        if opts["unit"]:
            unit = OrgUnit.objects.filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit with code {opts['unit']!r}")
        else:
            roots = list(OrgUnit.objects.filter(parent__isnull=True)[:2])
            if len(roots) != 1:
                raise CommandError("give --unit: there is not exactly one district root")
            unit = roots[0]
        year = opts["year"] or timezone.localdate().year
        if opts["json"]:
            self.stdout.write(figures_json(unit, year))
        else:
            figures = compute_figures(unit, year)
            width = max((len(k) for k in figures), default=0)
            for key, value in figures.items():
                self.stdout.write(f"{key:<{width}}  {value}")
