"""Premises entry pages: new premises of a community, and premises with their renovation and expansion
projects (recorded by the level above the community)."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, unit_in_scope
from core.web import require_any_scope, run_service

from .. import selectors, services
from ..forms import PremiseForm, RenovationForm
from .common import render_form


class PremiseCreateView(View):
    template_name = "resources/premise_form.html"

    def get(self, request):
        require_any_scope(request.user, Action.CHANGE)
        return render_form(request, self.template_name, {}, PremiseForm(user=request.user))

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = PremiseForm(request.POST, user=request.user)
        premise = form.is_valid() and run_service(form, services.premise_create, actor=request.user,
                                                  **form.cleaned_data)
        if not premise:
            return render_form(request, self.template_name, {}, form)
        messages.success(request, _("Saved."))
        return redirect("resources:premise_detail", pk=premise.pk)


def _may_renovate(user, premise) -> bool:
    parent = premise.community.parent
    return parent is not None and unit_in_scope(user, Action.CHANGE, parent)


class PremiseDetailView(View):
    """GET: the premises and their projects (VIEW). POST: record a renovation or expansion (CHANGE over
    the community's street, else 404)."""

    template_name = "resources/premise_detail.html"

    def get(self, request, pk, form=None):
        premise = selectors.premise_get(user=request.user, pk=pk)
        if form is None and _may_renovate(request.user, premise):
            form = RenovationForm()
        return render(request, self.template_name, {
            "premise": premise, "renovations": list(premise.renovations.all()), "form": form,
        }, status=400 if form is not None and form.is_bound else 200)

    def post(self, request, pk):
        premise = selectors.premise_get(user=request.user, pk=pk)
        if not _may_renovate(request.user, premise):
            raise Http404
        form = RenovationForm(request.POST)
        if form.is_valid() and run_service(form, services.renovation_create, actor=request.user,
                                           premise=premise, **form.cleaned_data):
            messages.success(request, _("Saved."))
            return redirect("resources:premise_detail", pk=premise.pk)
        return self.get(request, pk, form=form)
