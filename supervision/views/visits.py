"""Weekly visit records 周纪实: the quick phone form (which can raise cases), lists and coverage."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from core.scoping import Action, has_any_scope, subtree_q
from core.web import filter_list, page_of, run_service
from org.choices import COMMUNITY_KINDS, Level
from org.models import OrgUnit

from .. import selectors, services
from ..filtersets import VisitFilter
from ..forms import CoverageForm, VisitCaseForm, VisitForm
from ..models import VisitRecord

MAX_PLACES = 500
CASE_SLOTS = 3


def _places(user):
    """Where the user may record a visit: communities, compounds and buildings in their RECORD scope."""
    return list(
        OrgUnit.objects.for_user(user, Action.RECORD).filter(level__gte=Level.COMMUNITY).order_by("tree_id", "lft")[:MAX_PLACES]
    )


def _default_place(user, places) -> int | None:
    """The place of the user's last visit if it is still offered, else their first community."""
    ids = {p.pk for p in places}
    last = VisitRecord.objects.filter(cadre=user).order_by("-visited_on", "-id").values_list("place_id", flat=True)
    last = last.first()
    if last in ids:
        return last
    for p in places:
        if p.level == Level.COMMUNITY:
            return p.pk
    return places[0].pk if places else None


class VisitCreateView(View):
    """The visit form: under a minute on a phone; optionally raises one to three cases at once."""

    template_name = "supervision/visit_form.html"

    def _render(self, request, form, case_forms):
        return render(request, self.template_name, {"form": form, "case_forms": case_forms})

    def _require(self, request):
        if not has_any_scope(request.user, Action.RECORD):
            raise Http404
        return _places(request.user)

    def get(self, request):
        places = self._require(request)
        form = VisitForm(places=places, initial={"place": _default_place(request.user, places)})
        return self._render(request, form, [VisitCaseForm(prefix=f"case{i}") for i in range(1, CASE_SLOTS + 1)])

    def post(self, request):
        places = self._require(request)
        user = request.user
        form = VisitForm(request.POST, places=places)
        case_forms = [VisitCaseForm(request.POST, prefix=f"case{i}") for i in range(1, CASE_SLOTS + 1)]
        if form.is_valid() and all(cf.is_valid() for cf in case_forms):
            place = OrgUnit.objects.for_user(user, Action.RECORD).filter(pk=form.cleaned_data["place"]).first()
            if place is None:  # out of scope looks exactly like a missing id
                raise Http404
            data = form.cleaned_data
            cases = [spec for cf in case_forms if (spec := cf.case_spec())]
            visit = run_service(
                form, services.visit_record_create, actor=user, place=place, visited_on=data["visited_on"],
                heard=data["heard"], category=data["category"], households=data["households"],
                households_count=data["households_count"], needs_follow_up=data["needs_follow_up"], cases=cases,
            )
            if visit is not None:
                if cases:
                    messages.success(request, ngettext(
                        "The visit was recorded and %(n)d case was raised.",
                        "The visit was recorded and %(n)d cases were raised.", len(cases)) % {"n": len(cases)})
                else:
                    messages.success(request, _("The visit was recorded."))
                return redirect(reverse("supervision:visit_list") + "?mine=1")
        return self._render(request, form, case_forms)


class VisitListView(View):
    """My visits, or every visit in scope, filtered; 50 a page, a constant number of queries."""

    template_name = "supervision/visit_list.html"

    def get(self, request):
        user = request.user
        filterset, qs = filter_list(request, VisitFilter, selectors.visit_record_list(user=user))
        ctx = {"form": filterset.form, "page": page_of(request, qs), "mine": filterset.mine,
               "unit": filterset.value("unit"),
               "base_url": reverse("supervision:visit_list"),
               "can_record": has_any_scope(user, Action.RECORD)}
        return render(request, self.template_name, ctx)


class VisitCoverageView(View):
    """Visit coverage per community in scope over a date range (default: this ISO week so far):
    visits, households, cadres who visited of the cadres expected. Four queries."""

    template_name = "supervision/visit_coverage.html"

    def get(self, request):
        user = request.user
        today = timezone.localdate()
        form = CoverageForm(request.GET or None, units=OrgUnit.objects.for_user(user))
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        unit = data.get("unit")
        date_from = data.get("date_from") or today - dt.timedelta(days=today.weekday())
        date_to = data.get("date_to") or today
        communities = OrgUnit.objects.for_user(user).filter(kind__in=COMMUNITY_KINDS)
        if unit is not None:
            communities = communities.filter(subtree_q(unit))
        community_ids = communities.values("pk")
        visits = VisitRecord.objects.for_user(user).filter(
            visited_on__gte=date_from, visited_on__lte=date_to, place__community_anc__in=community_ids)
        expected = {
            r["unit_id"]: r["n"] for r in selectors.visiting_grants(date_from=date_from, date_to=date_to)
            .filter(unit__in=community_ids).values("unit_id").annotate(n=Count("user", distinct=True)).order_by()
        }
        rows = selectors.visit_coverage(
            communities=communities.select_related("parent").order_by("tree_id", "lft"), visits=visits)
        for row in rows:
            row["expected"] = expected.get(row["unit"].pk, 0)
        totals = {"communities": len(rows), "visited": sum(1 for r in rows if r["visits"]),
                  "visits": sum(r["visits"] for r in rows), "households": sum(r["households"] for r in rows)}
        ctx = {"form": form, "rows": rows, "totals": totals, "date_from": date_from, "date_to": date_to,
               "unit": unit}
        return render(request, self.template_name, ctx)
