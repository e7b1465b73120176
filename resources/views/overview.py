"""Overviews: funds, premises, training and stationed staff in the user's scope (each list paged, in a
constant number of queries)."""
from __future__ import annotations

from django.db.models import Count, Sum
from django.shortcuts import render
from django.views import View

from core.scoping import Action, has_any_scope, unit_in_scope
from core.web import filter_list, page_of, require_any_scope
from org.models import OrgUnit

from .. import selectors
from ..choices import FundKind
from ..filtersets import AllocationFilter, AttendanceFilter, PremiseFilter, StationedFilter, TrainingFilter
from ..forms.entry import communities_under_changeable, stationable_streets
from .common import year_of


class FundsView(View):
    template_name = "resources/funds.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        params = request.GET.copy()
        params.setdefault("year", str(year_of(request)))
        filterset, rows = filter_list(request, AllocationFilter, selectors.fund_allocation_list(user=request.user),
                                      data=params)
        totals = list(rows.order_by().values("kind").annotate(
            allocated=Sum("amount_yuan"), communities=Count("community", distinct=True)))
        for t in totals:
            t["label"] = FundKind(t["kind"]).label
        spent = rows.order_by().aggregate(s=Sum("spendings__amount_yuan"))["s"] or 0
        root = OrgUnit.objects.filter(parent__isnull=True).order_by("tree_id").first()
        year = filterset.form.cleaned_data.get("year") if filterset.is_bound and filterset.is_valid() else None
        summary = selectors.fund_summary(rows, year or year_of(request), root)
        return render(request, self.template_name, {
            "form": filterset.form, "page": page_of(request, rows), "totals": totals, "spent": spent,
            "summary": summary, "can_add": communities_under_changeable(request.user).exists(),
        }, status=400 if filterset.errors else 200)


class PremisesView(View):
    template_name = "resources/premises.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        user = request.user
        filterset, rows = filter_list(request, PremiseFilter, selectors.premise_list(user=user))
        renovations = selectors.renovation_list(user=user)
        revivals = selectors.idle_revival_list(user=user)
        return render(request, self.template_name, {
            "form": filterset.form, "page": page_of(request, rows),
            "renovations": list(renovations[:50]),
            "renovation_sum": renovations.aggregate(s=Sum("spent_yuan"), n=Count("premise", distinct=True)),
            "revivals": list(revivals[:50]),
            "revival_sum": revivals.aggregate(area=Sum("area_m2"), n=Count("pk")),
            "venues": list(selectors.shared_venue_list(user=user)[:50]),
            "can_add": has_any_scope(user, Action.CHANGE),
            "can_revive": communities_under_changeable(user).exists(),
        }, status=400 if filterset.errors else 200)


class TrainingView(View):
    template_name = "resources/training.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        user = request.user
        params = request.GET.copy()
        params.setdefault("year", str(year_of(request)))
        filterset, sessions = filter_list(request, TrainingFilter, selectors.training_session_list(user=user),
                                          data=params)
        _f, attendances = filter_list(request, AttendanceFilter, selectors.training_attendance_list(user=user),
                                      data={"year": params["year"]})
        return render(request, self.template_name, {
            "form": filterset.form, "sessions": list(sessions[:100]), "page": page_of(request, attendances),
            "can_add": has_any_scope(user, Action.CHANGE),
            "summary": selectors.training_summary(user=user, year=int(params["year"]) if params["year"].isdigit()
                                                  else year_of(request)),
        }, status=400 if filterset.errors else 200)


class StationedView(View):
    template_name = "resources/stationed.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW, departments=True)
        user = request.user
        filterset, rows = filter_list(request, StationedFilter, selectors.stationed_staff_list(user=user))
        page = page_of(request, rows)
        may_end = {s.pk for s in page.object_list if s.ends_on is None and unit_in_scope(user, Action.CHANGE, s.street)}
        return render(request, self.template_name, {
            "form": filterset.form, "page": page, "may_end": may_end,
            "can_add": has_any_scope(user, Action.CHANGE) and bool(may_end or stationable_streets(user).exists()),
        }, status=400 if filterset.errors else 200)
