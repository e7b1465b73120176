"""The cockpit page and the yearly report. Thin: parameters → the unit in scope (404 otherwise) → the
selectors (``core.figures.compute_figures`` through ``selectors.figures_for``)."""
from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views import View

from core.audit import record
from core.models import AuditLog

from . import selectors
from .common import resolve_period
from .forms import PeriodForm
from .report import build_report, report_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _period(request):
    form = PeriodForm(request.GET or None)
    # A bad year is an error on the form (the page then shows this year); the valid fields are kept.
    if form.is_bound:
        form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return form, resolve_period(request.user, data, pick_first=True)


class CockpitView(View):
    """Every figure of the unit's subtree by system with last year's value and the change, the charts, and
    (loaded by htmx from ``CockpitChildrenView``) the children to drill into. Queries: two
    ``compute_figures``, the series and the visit coverage (see selectors)."""

    template_name = "cockpit/cockpit.html"

    def get(self, request):
        form, period = _period(request)
        unit, year = period.unit, period.year
        current = selectors.figures_for(unit, year)
        previous = selectors.figures_for(unit, year - 1)
        children = selectors.drill_children(unit)
        coverage = selectors.visit_coverage(unit, children, year)
        ctx = {
            "form": form, "unit": unit, "year": year, "roots": period.roots, "has_children": bool(children),
            "crumbs": selectors.breadcrumbs(user=request.user, unit=unit),
            "sections": selectors.grouped(current, previous, unit=unit, year=year),
            "charts": selectors.chart_data(unit=unit, year=year, current=current, coverage=coverage),
            "years": list(range(year - 4, year + 1)),
        }
        return render(request, self.template_name, ctx)


class CockpitChildrenView(View):
    """The drill-down table (an htmx partial of the cockpit): per child its figures, the links to drill
    in, and the members-by-unit chart's data. One org and one supervision ``compute`` per child."""

    template_name = "cockpit/_children.html"

    def get(self, request):
        _form, period = _period(request)
        unit, year = period.unit, period.year
        columns, child_rows = selectors.child_table(selectors.drill_children(unit), year)
        ctx = {"unit": unit, "year": year, "child_rows": child_rows,
               "columns": [(key, selectors.label(key)) for key in columns],
               "members": selectors.members_chart(child_rows)}
        return render(request, self.template_name, ctx)


class ReportView(View):
    """The yearly report (HTML, printable on A4; ``format=docx`` a Word file), audited as an export."""

    template_name = "cockpit/report.html"

    def get(self, request):
        form, period = _period(request)
        unit, year = period.unit, period.year
        report = build_report(unit, year, selectors.figures_for(unit, year))
        fmt = "docx" if request.GET.get("format") == "docx" else "html"
        record(kind=AuditLog.Kind.EXPORT, action="cockpit.report", actor=request.user, unit=unit,
               object_type="org.orgunit", object_id=str(unit.pk), object_repr=unit.code,
               after={"year": year, "format": fmt})
        if fmt == "docx":
            response = HttpResponse(report_docx(report), content_type=DOCX)
            response["Content-Disposition"] = f'attachment; filename="report-{unit.code}-{year}.docx"'
            response["Cache-Control"] = "no-store"
            return response
        return render(request, self.template_name, {"form": form, "report": report, "unit": unit, "year": year})
