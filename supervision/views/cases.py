"""Cases 矛盾纠纷 / 实际困难: the filtered list, the case page with its whole history and the buttons the
user may press now, each transition through its service, and registering a case by hand."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, has_any_scope, unit_in_scope
from core.templatetags.rows import label_rows
from core.web import filter_list, page_of, run_service
from org.choices import Level
from org.models import OrgUnit

from .. import selectors, services
from ..choices import CaseAction
from ..filtersets import CaseFilter
from ..forms import ACTION_BUTTONS, CASE_ACTION_FORMS, CaseRegisterForm
from ..models import Case, ConsultationItem, DispatchDecision, SupervisionNotice

MAX_UNITS = 500


class CaseListView(View):
    """Cases in scope with filters and search; overdue computed; a constant number of queries."""

    template_name = "supervision/case_list.html"

    def get(self, request):
        user = request.user
        filterset, qs = filter_list(request, CaseFilter, selectors.case_list(user=user))
        unit = filterset.value("unit")
        counts = selectors.case_counts(user=user, unit=unit)
        known = None
        if not filterset.narrows():
            # Unfiltered (but for the unit): the dashboard counts already add up to the list's length.
            known = counts["open"] + counts["resolved"]
        page = page_of(request, qs, count=known)
        label_rows(page.object_list, Case, "priority", "kind", "category", "level", "state")
        ctx = {"form": filterset.form, "page": page, "unit": unit, "base_url": reverse("supervision:case_list"),
               "counts": counts, "can_register": has_any_scope(user, Action.RECORD)}
        return render(request, self.template_name, ctx)


def case_context(request, case, bound: dict | None = None) -> dict:
    """The case page: fields, whole history, agenda items, dispatch decisions, notices, and one form
    per action the user may take now (decided by the services' rules)."""
    user = request.user
    available = services.case_available_actions(actor=user, case=case)
    forms = []
    for action in (bound or {}):  # a refused action keeps its form, so that the user sees why
        if action not in available:
            forms.append((action, ACTION_BUTTONS[action], bound[action]))
    for action in available:
        form = (bound or {}).get(action) or CASE_ACTION_FORMS[action](case=case)
        forms.append((action, ACTION_BUTTONS[action], form))
    return {
        "case": case,
        "history": selectors.case_history(case=case),
        "agenda_items": list(ConsultationItem.objects.filter(case=case).select_related("consultation")
                             .order_by("consultation__period", "id")),
        "decisions": list(DispatchDecision.objects.filter(case=case).select_related("meeting", "meeting__sheet")
                          .order_by("meeting__held_on", "id")),
        "notices": list(SupervisionNotice.objects.for_user(user).filter(case=case).order_by("period", "id")),
        "action_forms": forms,
        "simple_actions": {CaseAction.ACCEPT, CaseAction.START},
    }


class CaseDetailView(View):
    template_name = "supervision/case_detail.html"

    def get(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        return render(request, self.template_name, case_context(request, case))


class CaseActionView(View):
    """POST one transition. Out of scope (to see or to act) is a 404; a refused transition or bad
    input shows the case page again with the form's errors."""

    def post(self, request, pk, action):
        if action not in CASE_ACTION_FORMS:
            raise Http404
        user = request.user
        case = selectors.case_get(user=user, pk=pk)
        form = CASE_ACTION_FORMS[action](request.POST, case=case)
        if form.is_valid():
            done = run_service(form, services.SERVICE_FOR_ACTION[action], actor=user, case=case, **form.kwargs())
            if done is not None:
                messages.success(request, _("Done: %(action)s.") % {"action": CaseAction(action).label})
                if not unit_in_scope(user, Action.VIEW, unit=done.unit,
                                          department_id=done.handler_department_id):
                    # handed on out of the user's sight (e.g. a liaison returning it): back to the list
                    return redirect("supervision:case_list")
                return redirect("supervision:case_detail", pk=case.pk)
        ctx = case_context(request, case, bound={action: form})
        ctx["failed_action"] = action
        return render(request, CaseDetailView.template_name, ctx, status=400)


class CaseCreateView(View):
    """Register a case that does not come from a visit (hotline, 1+N meeting, inspection, other)."""

    template_name = "supervision/case_form.html"

    def _units(self, request):
        if not has_any_scope(request.user, Action.RECORD):
            raise Http404
        return list(OrgUnit.objects.for_user(request.user, Action.RECORD).filter(level__gte=Level.COMMUNITY)
                    .order_by("tree_id", "lft")[:MAX_UNITS])

    def get(self, request):
        units = self._units(request)
        return render(request, self.template_name, {"form": CaseRegisterForm(units=units)})

    def post(self, request):
        units = self._units(request)
        form = CaseRegisterForm(request.POST, units=units)
        if form.is_valid():
            data = dict(form.cleaned_data)
            unit = OrgUnit.objects.for_user(request.user, Action.RECORD).filter(pk=data.pop("unit")).first()
            if unit is None:
                raise Http404
            data["households_affected"] = data.get("households_affected") or 0
            case = run_service(form, services.case_register, actor=request.user, unit=unit, **data)
            if case is not None:
                messages.success(request, _("The case was registered."))
                return redirect("supervision:case_detail", pk=case.pk)
        return render(request, self.template_name, {"form": form})
