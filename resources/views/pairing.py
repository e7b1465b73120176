"""结对帮扶 pages: the pairings in scope (a department's liaisons see their department's), one pairing
with its support and its difficulties (cases of the work system; solved is the case's state)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope, unit_in_scope
from core.web import filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..filtersets import PairingFilter
from ..forms import DifficultyForm, EndForm, PairingCreateForm, SupportRecordForm
from ..models import Pairing
from .common import EntryView, render_form


class PairingListView(View):
    template_name = "resources/pairing_list.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW, departments=True)
        filterset, rows = filter_list(request, PairingFilter, selectors.pairing_list(user=request.user))
        page = page_of(request, rows)
        return render(request, self.template_name, {"form": filterset.form, "page": page,
                                                    "can_add": has_any_scope(request.user, Action.CHANGE)},
                      status=400 if filterset.errors else 200)


class PairingDetailView(View):
    """GET: the pairing (VIEW). POST ``form=support``: record support (RECORD over the community, or a
    liaison of the paired unit); POST ``form=difficulty``: raise a difficulty as a case (RECORD over the
    community)."""

    template_name = "resources/pairing_detail.html"

    def get(self, request, pk, support_form=None, difficulty_form=None):
        pairing = selectors.pairing_get(user=request.user, pk=pk)
        user = request.user
        may_support = unit_in_scope(user, Action.RECORD, pairing.community, department_id=pairing.partner_id)
        may_raise = unit_in_scope(user, Action.RECORD, pairing.community) and pairing.ends_on is None
        return render(request, self.template_name, {
            "pairing": pairing,
            "may_end": pairing.ends_on is None and unit_in_scope(user, Action.CHANGE, pairing.community),
            "support_form": support_form or (SupportRecordForm() if may_support else None),
            "difficulty_form": difficulty_form or (DifficultyForm() if may_raise else None),
        }, status=400 if (support_form or difficulty_form) else 200)

    def post(self, request, pk):
        pairing = get_object_for_user(Pairing, request.user, Action.RECORD, pk=pk)
        if request.POST.get("form") == "difficulty":
            form = DifficultyForm(request.POST)
            done = form.is_valid() and run_service(form, services.pairing_difficulty_raise, actor=request.user,
                                                   pairing=pairing, **form.cleaned_data)
            rerender = {"difficulty_form": form}
        else:
            form = SupportRecordForm(request.POST)
            done = form.is_valid() and run_service(form, services.support_record_create, actor=request.user,
                                                   pairing=pairing, **form.cleaned_data)
            rerender = {"support_form": form}
        if done:
            messages.success(request, _("Saved."))
            return redirect("resources:pairing_detail", pk=pairing.pk)
        return self.get(request, pk, **rerender)


class PairingCreateView(View):
    """Pair a district unit (from the outside units the user may pick) with a community the user may edit."""

    template_name = "resources/pairing_form.html"

    def get(self, request):
        require_any_scope(request.user, Action.CHANGE)
        return render_form(request, self.template_name, {}, PairingCreateForm(user=request.user))

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = PairingCreateForm(request.POST, user=request.user)
        pairing = form.is_valid() and run_service(form, services.pairing_create, actor=request.user,
                                                  **form.cleaned_data)
        if not pairing:
            return render_form(request, self.template_name, {}, form)
        messages.success(request, _("Saved."))
        return redirect("resources:pairing_detail", pk=pairing.pk)


class PairingEndView(EntryView):
    """The end of a pairing (CHANGE over the community, else 404)."""

    form_class = EndForm
    heading = gettext_lazy("End the pairing")

    def get_object(self, request, pk):
        return get_object_for_user(Pairing.objects.select_related("partner", "community"), request.user,
                                   Action.CHANGE, pk=pk)

    def run(self, request, obj, form):
        return run_service(form, services.pairing_end, actor=request.user, pairing=obj,
                           ends_on=form.cleaned_data["ends_on"])

    def summary(self, obj):
        return [(_("Paired district unit"), obj.partner.name), (_("Community"), obj.community.name),
                (_("From"), obj.starts_on.isoformat())]

    def back_url(self, obj):
        return reverse("resources:pairing_detail", args=[obj.pk])

    def success_url(self, obj, result):
        return self.back_url(obj)
