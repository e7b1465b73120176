"""Premises entry pages: new premises of a community; premises with their renovation and expansion
projects and the acceptance (验收) of a project (both recorded by the level above the community); an idle
office revived for a new use (the level above the community); a venue of a resident unit (驻区单位)
shared with a community (the community or above; the unit is picked from the registered outside units)."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import require_any_scope, run_service

from .. import selectors, services
from ..forms import IdleRevivalForm, PremiseForm, RenovationAcceptForm, RenovationForm, SharedVenueForm
from ..models import RenovationProject
from .common import EntryView, render_form


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
            "may_accept": _may_renovate(request.user, premise),
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


class RenovationAcceptView(EntryView):
    """验收 of a renovation or expansion project with its final spend (CHANGE over the community's
    street, else 404)."""

    form_class = RenovationAcceptForm
    heading = gettext_lazy("Accept a renovation or expansion")
    lead = gettext_lazy("Record the acceptance and the money finally spent.")

    def get_object(self, request, pk):
        project = get_object_for_user(RenovationProject.objects.select_related("premise__community__parent"),
                                      request.user, Action.VIEW, pk=pk)
        if not _may_renovate(request.user, project.premise):
            raise Http404
        return project

    def get_form(self, request, obj, data=None):
        return RenovationAcceptForm(data, initial={"spent_yuan": obj.spent_yuan})

    def run(self, request, obj, form):
        return run_service(form, services.renovation_accept, actor=request.user, project=obj, **form.cleaned_data)

    def summary(self, obj):
        rows = [(_("Premises"), f"{obj.premise.community.name} · {obj.premise.name}"),
                (_("Kind"), obj.get_kind_display()), (_("Started on"), obj.started_on.isoformat()),
                (_("Budget (yuan)"), f"{obj.budget_yuan:,.2f}")]
        if obj.accepted_on:  # already accepted: saying so (a new acceptance is refused with its code)
            rows.append((_("Accepted on"), obj.accepted_on.isoformat()))
        return rows

    def back_url(self, obj):
        return reverse("resources:premise_detail", args=[obj.premise_id])

    def success_url(self, obj, result):
        return self.back_url(obj)


class IdleRevivalCreateView(EntryView):
    """An idle office of a community taken into a new use (CHANGE over the community's street: the page
    is a 404 for whoever has no such community)."""

    form_class = IdleRevivalForm
    heading = gettext_lazy("Revived idle office")
    lead = gettext_lazy("An idle office of a community taken into a new use, with its area.")
    choice_fields = ("community",)

    def get_form(self, request, obj, data=None):
        require_any_scope(request.user, Action.CHANGE)
        form = IdleRevivalForm(data, user=request.user)
        if not form.fields["community"].queryset.exists():
            raise Http404
        return form

    def run(self, request, obj, form):
        return run_service(form, services.idle_revival_create, actor=request.user, **form.cleaned_data)

    def back_url(self, obj):
        return reverse("resources:premises")

    def success_url(self, obj, result):
        return self.back_url(obj) + "#revival-list"


class SharedVenueCreateView(EntryView):
    """A venue of a resident unit (picked among the registered outside units) opened to a community the
    user may edit, with its opening terms."""

    form_class = SharedVenueForm
    heading = gettext_lazy("Shared venue of a resident unit")
    lead = gettext_lazy("A party, education, culture or sports venue of a resident unit opened to the community.")
    choice_fields = ("community",)

    def get_form(self, request, obj, data=None):
        require_any_scope(request.user, Action.CHANGE)
        return SharedVenueForm(data, user=request.user)

    def run(self, request, obj, form):
        return run_service(form, services.shared_venue_create, actor=request.user, **form.cleaned_data)

    def back_url(self, obj):
        return reverse("resources:premises")

    def success_url(self, obj, result):
        return self.back_url(obj) + "#venue-list"
