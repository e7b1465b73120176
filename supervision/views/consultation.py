"""Quarterly resolution 季化解: the consultation agendas (built from the records), the meeting record
and a decision per case; carried-over items and 销号 shown."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, page_of, run_service
from org.models import OrgUnit

from .. import selectors, services
from ..filtersets import ConsultationFilter
from ..forms import ConsultationBuildForm, ConsultationDecideForm, ConsultationRecordForm
from ..models import ConsultationItem
from .common import STREET_KINDS


def _build_units(user):
    """The district roots and streets where the user may build a consultation agenda."""
    return list(OrgUnit.objects.for_user(user, Action.RECORD).filter(Q(parent__isnull=True) | Q(kind__in=STREET_KINDS))
                .order_by("tree_id", "lft"))


class ConsultationListView(View):
    template_name = "supervision/consultation_list.html"

    def get(self, request, build_form=None):
        user = request.user
        filterset, qs = filter_list(request, ConsultationFilter, selectors.consultation_list(user=user))
        units = _build_units(user)
        ctx = {"page": page_of(request, qs), "form": filterset.form,
               "period": request.GET.get("period", "").strip()[:7],
               "base_url": reverse("supervision:consultation_list"),
               "build_form": build_form or (ConsultationBuildForm(units=units) if units else None)}
        return render(request, self.template_name, ctx, status=400 if build_form else 200)


class ConsultationBuildView(View):
    """POST: build (or complete) a quarter's agenda for the district or a street, from the records."""

    def post(self, request):
        user = request.user
        units = _build_units(user)
        if not units:
            raise Http404
        form = ConsultationBuildForm(request.POST, units=units)
        if form.is_valid():
            unit = next((u for u in units if u.pk == form.cleaned_data["unit"]), None)
            if unit is None:  # out of scope looks exactly like a missing id
                raise Http404
            consultation = run_service(form, services.consultation_build, actor=user,
                                       period=form.cleaned_data["period"], unit=unit)
            if consultation is not None:
                messages.success(request, _("The consultation agenda was built from the records."))
                return redirect("supervision:consultation_detail", pk=consultation.pk)
        return ConsultationListView().get(request, build_form=form)


def consultation_context(request, consultation, record_form=None, decide_forms=None) -> dict:
    user = request.user
    can_record = unit_in_scope(user, Action.RECORD, unit=consultation.unit)
    items = selectors.consultation_agenda(consultation=consultation)
    decide_forms = decide_forms or {}
    rows = []
    for item in items:
        form = None
        if can_record and item.closed_on is None:
            form = decide_forms.get(item.pk) or ConsultationDecideForm(prefix=f"i{item.pk}")
        rows.append((item, form))
    record_form = record_form or ConsultationRecordForm(initial={
        "held_on": consultation.held_on, "participants": consultation.participants})
    return {"consultation": consultation, "rows": rows, "can_record": can_record, "record_form": record_form,
            "closed": sum(1 for i in items if i.closed_on), "carried": sum(1 for i in items if i.carried_from_id)}


class ConsultationDetailView(View):
    template_name = "supervision/consultation_detail.html"

    def get(self, request, pk):
        consultation = selectors.consultation_get(user=request.user, pk=pk)
        return render(request, self.template_name, consultation_context(request, consultation))


class ConsultationRecordView(View):
    """POST the meeting record (date held, participants)."""

    def post(self, request, pk):
        user = request.user
        consultation = selectors.consultation_get(user=user, pk=pk, action=Action.RECORD)
        form = ConsultationRecordForm(request.POST)
        if form.is_valid():
            done = run_service(form, services.consultation_record, actor=user, consultation=consultation,
                               **form.cleaned_data)
            if done is not None:
                messages.success(request, _("The consultation was recorded."))
                return redirect("supervision:consultation_detail", pk=consultation.pk)
        return render(request, ConsultationDetailView.template_name,
                      consultation_context(request, consultation, record_form=form), status=400)


class ConsultationDecideView(View):
    """POST the decision on one agenda item; resolving it closes (销号) the item through the case service."""

    def post(self, request, pk):
        user = request.user
        item = get_object_for_user(ConsultationItem.objects.select_related("consultation", "consultation__unit"), user,
                            Action.RECORD, pk=pk)
        form = ConsultationDecideForm(request.POST, prefix=f"i{item.pk}")
        if form.is_valid():
            done = run_service(form, services.consultation_decide, actor=user, item=item, **form.kwargs())
            if done is not None:
                messages.success(request, _("The decision was recorded."))
                return redirect(reverse("supervision:consultation_detail", args=[item.consultation_id])
                                + f"#item-{item.pk}")
        consultation = item.consultation
        return render(request, ConsultationDetailView.template_name,
                      consultation_context(request, consultation, decide_forms={item.pk: form}), status=400)
