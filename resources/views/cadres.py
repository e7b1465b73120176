"""Cadre pages: the career events of community cadres (定向招录 into the civil service among them), an
event recorded from a seat of the roster (by the level above the community), and district department
staff stationed in streets (力量下沉): a new stationing (CHANGE over the street; a party member picked
by ID number or mobile) and its end."""
from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..choices import CareerEventKind
from ..filtersets import CareerEventFilter
from ..forms import CareerEventForm, EndForm, StationedStaffForm
from ..models import Seat, StationedStaff
from .common import EntryView


class CareerEventListView(View):
    template_name = "resources/cadres.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        filterset, rows = filter_list(request, CareerEventFilter, selectors.career_event_list(user=request.user))
        totals = rows.order_by().aggregate(n=Count("pk"),
                                           civil=Count("pk", filter=Q(kind=CareerEventKind.CIVIL_SERVICE)))
        return render(request, self.template_name, {"form": filterset.form, "page": page_of(request, rows),
                                                    "totals": totals},
                      status=400 if filterset.errors else 200)


class CareerEventCreateView(EntryView):
    """A career event of the cadre holding a seat (CHANGE over the community's street, else 404)."""

    form_class = CareerEventForm
    heading = gettext_lazy("Career event of a community cadre")
    lead = gettext_lazy("E.g. directed recruitment into the civil service, promotion, commendation.")

    def get_object(self, request, pk):
        seat = get_object_for_user(Seat.objects.select_related("term__community__parent"), request.user,
                                   Action.VIEW, pk=pk)
        parent = seat.term.community.parent
        if parent is None or not unit_in_scope(request.user, Action.CHANGE, parent):
            raise Http404
        return seat

    def run(self, request, obj, form):
        return run_service(form, services.career_event_create, actor=request.user, seat=obj, **form.cleaned_data)

    def summary(self, obj):
        posts = " / ".join(p for p in (obj.get_party_post_display() if obj.party_post else "",
                                        obj.get_residents_post_display() if obj.residents_post else "") if p)
        return [(_("Committee member"), obj.person_name),
                (_("Term"), f"{obj.term.community.name} · {obj.term.number}"), (_("Posts"), posts)]

    def back_url(self, obj):
        return reverse("resources:term_detail", args=[obj.term_id])

    def success_url(self, obj, result):
        return reverse("resources:cadres") + f"?unit={obj.term.community.code}"


class StationedCreateView(EntryView):
    """A department's person stationed in a street the user may edit (a 404 for whoever may edit none)."""

    form_class = StationedStaffForm
    heading = gettext_lazy("New stationing")
    lead = gettext_lazy("A person of a district department stationed in a street for a period.")
    choice_fields = ("street",)

    def get_form(self, request, obj, data=None):
        require_any_scope(request.user, Action.CHANGE)
        form = StationedStaffForm(data, user=request.user)
        if not form.fields["street"].queryset.exists():
            raise Http404
        return form

    def run(self, request, obj, form):
        data = dict(form.cleaned_data)
        lookup = data.pop("lookup")
        if lookup:
            member = selectors.member_pick(user=request.user, text=lookup)
            if member is None:
                form.add_error("lookup", _("No party member with this ID number or mobile in your area."))
                return None
            data["member"], data["person_name"] = member, ""
        return run_service(form, services.stationed_staff_create, actor=request.user, **data)

    def back_url(self, obj):
        return reverse("resources:stationed")

    def success_url(self, obj, result):
        return self.back_url(obj)


class StationedEndView(EntryView):
    """The end of a stationing (CHANGE over the street, else 404)."""

    form_class = EndForm
    heading = gettext_lazy("End of a stationing")

    def get_object(self, request, pk):
        return get_object_for_user(StationedStaff.objects.select_related("department", "street"), request.user,
                                   Action.CHANGE, pk=pk)

    def run(self, request, obj, form):
        return run_service(form, services.stationed_staff_end, actor=request.user, staff=obj,
                           ends_on=form.cleaned_data["ends_on"])

    def summary(self, obj):
        return [(_("Name"), obj.person_name), (_("Department"), obj.department.name), (_("Street"), obj.street.name),
                (_("From"), obj.starts_on.isoformat()), (_("To"), obj.ends_on.isoformat() if obj.ends_on else "…")]

    def back_url(self, obj):
        return reverse("resources:stationed")

    def success_url(self, obj, result):
        return self.back_url(obj)
