"""Monthly dispatch 月调度: the sheets (generated from the records by the service, never typed in),
printable and exportable as xlsx, and the dispatch meeting whose decisions act on cases through the
case services."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Case as DbCase
from django.db.models import IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.audit import record as audit_record
from core.models import AuditLog
from core.scoping import Action, unit_in_scope
from core.web import filter_list, page_of, run_service, xlsx_response

from .. import selectors, services
from ..choices import OPEN_STATES, Category, DispatchDecisionAction
from ..filtersets import DispatchSheetFilter
from ..forms import DispatchDecisionForm, DispatchMeetingForm, SheetGenerateForm
from ..models import Case, DispatchDecision, DispatchMeeting, DispatchSheet
from .common import resolve_target, targets_for
from .exports import dispatch_sheet_workbook

MAX_MEETING_CASES = 200


def sheet_view_data(sheet: DispatchSheet) -> dict:
    """The sheet's stored detail, with labels and community names resolved for display and export."""
    detail = sheet.detail or {}
    coverage = detail.get("coverage", [])
    names = {row["community_id"]: row["name"] for row in coverage}
    labels = dict(Category.choices)
    by_category = [
        {"category": key, "label": labels.get(key, key), "new": v.get("new", 0), "open": v.get("open", 0)}
        for key, v in sorted((detail.get("by_category") or {}).items())
    ]
    cadres = [dict(row, community=names.get(row.get("community_id"), "")) for row in detail.get("cadres", [])]
    return {"as_of": detail.get("as_of"), "by_category": by_category, "coverage": coverage, "cadres": cadres,
            "tasks": detail.get("tasks", [])}


class DispatchSheetListView(View):
    template_name = "supervision/dispatch_list.html"

    def get(self, request, generate_form=None):
        user = request.user
        filterset, qs = filter_list(request, DispatchSheetFilter, selectors.dispatch_sheet_list(user=user))
        targets = targets_for(user)
        ctx = {"form": filterset.form, "page": page_of(request, qs), "base_url": reverse("supervision:dispatch_list"),
               "generate_form": generate_form or (SheetGenerateForm(targets=targets) if targets else None)}
        return render(request, self.template_name, ctx, status=400 if generate_form else 200)


class DispatchSheetGenerateView(View):
    """POST: generate (or refresh) a month's sheet for a street or department, from the records."""

    def post(self, request):
        user = request.user
        targets = targets_for(user)
        if not targets:
            raise Http404
        form = SheetGenerateForm(request.POST, targets=targets)
        if form.is_valid():
            unit, department = resolve_target(form.cleaned_data["target"], user)
            sheet = run_service(form, services.dispatch_sheet_generate, actor=user,
                                period=form.cleaned_data["period"], unit=unit, department=department,
                                regenerate=form.cleaned_data["regenerate"])
            if sheet is not None:
                messages.success(request, _("The dispatch sheet was generated from the records."))
                return redirect("supervision:dispatch_detail", pk=sheet.pk)
        return DispatchSheetListView().get(request, generate_form=form)


class DispatchSheetDetailView(View):
    """The sheet: numbers, cases by category, visit coverage per community and cadre, tasks due, and
    the meetings held on it with their decisions. Printable (print stylesheet)."""

    template_name = "supervision/dispatch_detail.html"

    def get(self, request, pk):
        user = request.user
        sheet = selectors.dispatch_sheet_get(user=user, pk=pk)
        meetings = list(
            DispatchMeeting.objects.filter(sheet=sheet).select_related("recorded_by").prefetch_related(
                Prefetch("decisions", DispatchDecision.objects.select_related("case", "event").order_by("id"))
            ).order_by("held_on", "id")
        )
        ctx = {"sheet": sheet, "data": sheet_view_data(sheet), "meetings": meetings,
               "can_record": unit_in_scope(user, Action.RECORD, unit=sheet.unit,
                                                department_id=sheet.department_id),
               "can_export": unit_in_scope(user, Action.EXPORT, unit=sheet.unit,
                                                department_id=sheet.department_id)}
        return render(request, self.template_name, ctx)


class DispatchSheetExportView(View):
    """The sheet as xlsx (EXPORT scope; audited)."""

    def get(self, request, pk):
        user = request.user
        sheet = selectors.dispatch_sheet_get(user=user, pk=pk, action=Action.EXPORT)
        data = dispatch_sheet_workbook(sheet, sheet_view_data(sheet))
        audit_record(kind=AuditLog.Kind.EXPORT, action="dispatch_sheet.export", actor=user, obj=sheet,
                     after={"period": sheet.period})
        target = sheet.department.code if sheet.department_id else sheet.unit.code
        return xlsx_response(data, f"dispatch-{sheet.period}-{target}.xlsx")


def _sheet_cases(user, sheet):
    """Open cases on the sheet the user may act on, overdue and hard ones first."""
    qs = Case.objects.for_user(user, Action.RECORD).filter(state__in=OPEN_STATES).with_overdue()
    if sheet.department_id:
        qs = qs.filter(handler_department_id=sheet.department_id)
    else:
        qs = qs.filter(unit__street_anc_id=sheet.unit_id)
    rank = DbCase(When(is_overdue=True, then=Value(0)), When(is_hard=True, then=Value(1)), default=Value(2),
                 output_field=IntegerField())
    return list(qs.select_related("unit", "handler_unit", "handler_department").annotate(rank=rank)
                .order_by("rank", "due_on", "id")[:MAX_MEETING_CASES])


class DispatchMeetingCreateView(View):
    """The dispatch meeting on a sheet: date, attendees, summary and a decision per case (assign,
    re-prioritise or escalate), carried out by the case services in one transaction."""

    template_name = "supervision/dispatch_meeting_form.html"

    def _sheet(self, request, pk):
        return selectors.dispatch_sheet_get(user=request.user, pk=pk, action=Action.RECORD)

    def _render(self, request, sheet, form, rows, status=200):
        return render(request, self.template_name, {"sheet": sheet, "form": form, "rows": rows,
                                                    "actions": DispatchDecisionAction}, status=status)

    def get(self, request, pk):
        sheet = self._sheet(request, pk)
        cases = _sheet_cases(request.user, sheet)
        rows = [(c, DispatchDecisionForm(prefix=f"c{c.pk}")) for c in cases]
        return self._render(request, sheet, DispatchMeetingForm(), rows)

    def post(self, request, pk):
        user = request.user
        sheet = self._sheet(request, pk)
        cases = _sheet_cases(user, sheet)
        form = DispatchMeetingForm(request.POST)
        rows = [(c, DispatchDecisionForm(request.POST, prefix=f"c{c.pk}")) for c in cases]
        if form.is_valid() and all(f.is_valid() for _c, f in rows):
            decisions = [spec for c, f in rows if (spec := f.spec(c))]
            meeting = run_service(form, services.dispatch_meeting_record, actor=user, sheet=sheet,
                                  held_on=form.cleaned_data["held_on"], attendees=form.cleaned_data["attendees"],
                                  summary=form.cleaned_data["summary"], decisions=decisions)
            if meeting is not None:
                messages.success(request, _("The dispatch meeting was recorded."))
                return redirect("supervision:dispatch_detail", pk=sheet.pk)
        return self._render(request, sheet, form, rows, status=400)
