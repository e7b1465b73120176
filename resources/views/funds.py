"""Fund entry pages: the operating-fund standard per community per year (the district's), an allocation
to a community (by the level above it) and an allocation with its spending, recorded by the community."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import require_any_scope, run_service

from .. import selectors, services
from ..forms import AllocationForm, FundStandardForm, SpendingForm
from ..forms.entry import districts_changeable
from ..models import FundAllocation
from .common import refuse_foreign_choice, render_form


def _allocation_form(request, data=None) -> AllocationForm:
    require_any_scope(request.user, Action.CHANGE)
    form = AllocationForm(data, user=request.user)
    if not form.fields["community"].queryset.exists():
        raise Http404  # nobody here allocates to a community: the page does not exist for them
    return form


class AllocationCreateView(View):
    template_name = "resources/allocation_form.html"

    def get(self, request):
        return render_form(request, self.template_name, {}, _allocation_form(request))

    def post(self, request):
        form = _allocation_form(request, request.POST)
        allocation = form.is_valid() and run_service(form, services.fund_allocation_create, actor=request.user,
                                                     **form.cleaned_data)
        if not allocation:
            return render_form(request, self.template_name, {}, form)
        messages.success(request, _("Saved."))
        return redirect("resources:allocation_detail", pk=allocation.pk)


class AllocationDetailView(View):
    """GET: the allocation and its spending (VIEW). POST: record a spending (CHANGE over the community)."""

    template_name = "resources/allocation_detail.html"

    def get(self, request, pk, form=None):
        allocation = selectors.fund_allocation_get(user=request.user, pk=pk)
        if form is None and unit_in_scope(request.user, Action.CHANGE, allocation.community):
            form = SpendingForm()
        spendings = list(allocation.spendings.all())
        return render(request, self.template_name, {
            "allocation": allocation, "spendings": spendings, "form": form,
            "spent": sum((s.amount_yuan for s in spendings), 0),
        }, status=400 if form is not None and form.is_bound else 200)

    def post(self, request, pk):
        allocation = get_object_for_user(FundAllocation, request.user, Action.CHANGE, pk=pk)
        form = SpendingForm(request.POST)
        if form.is_valid() and run_service(form, services.fund_spending_create, actor=request.user,
                                           allocation=allocation, **form.cleaned_data):
            messages.success(request, _("Saved."))
            return redirect("resources:allocation_detail", pk=allocation.pk)
        return self.get(request, pk, form=form)


class FundStandardView(View):
    """GET: the operating-fund standards in scope (VIEW somewhere in the tree). POST: set the yuan per
    community per year of a class of community for a year (CHANGE over a district, else 404); setting it
    again for the same year and class changes it."""

    template_name = "resources/fund_standards.html"

    def get(self, request, form=None):
        require_any_scope(request.user, Action.VIEW)
        if form is None and districts_changeable(request.user).exists():
            form = FundStandardForm(user=request.user)
        return render(request, self.template_name, {
            "standards": list(selectors.fund_standard_list(user=request.user)[:200]), "form": form,
        }, status=400 if form is not None and form.is_bound else 200)

    def post(self, request):
        if not districts_changeable(request.user).exists():
            raise Http404
        form = FundStandardForm(request.POST, user=request.user)
        if not form.is_valid():
            refuse_foreign_choice(form, "owner")
            return self.get(request, form=form)
        if not run_service(form, services.fund_standard_set, actor=request.user, **form.cleaned_data):
            return self.get(request, form=form)
        messages.success(request, _("Saved."))
        return redirect("resources:fund_standards")
