"""社区两委 pages: the term statistics of a subtree against the previous term (per street and in all),
the list of terms, and a term's roster (where the community adds seats, a member picked by ID number
or mobile) with its xlsx import."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..filtersets import TermFilter
from ..forms import SeatForm
from ..models import Term
from .common import stats_unit, year_of


class TermStatsView(View):
    template_name = "resources/term_stats.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        unit = stats_unit(request)
        year = year_of(request)
        try:
            number = int(request.GET.get("term") or 0) or None
        except ValueError:
            number = None
        number = number or selectors.latest_term_number(unit, year)
        ctx = {"unit": unit, "year": year, "number": number, "total": None, "streets": []}
        if number:
            ctx["total"] = selectors.term_comparison(unit, number)
            ctx["streets"] = selectors.term_comparison_by_street(unit, number) if unit.level == 0 else []
        return render(request, self.template_name, ctx)


class TermListView(View):
    template_name = "resources/term_list.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        filterset, rows = filter_list(request, TermFilter, selectors.term_list(user=request.user))
        page = page_of(request, rows)
        return render(request, self.template_name, {"form": filterset.form, "page": page},
                      status=400 if filterset.errors else 200)


class TermDetailView(View):
    """GET: the roster (VIEW). POST: seat a person (CHANGE over the term's community, else 404)."""

    template_name = "resources/term_detail.html"

    def get(self, request, pk, form=None):
        term = selectors.term_get(user=request.user, pk=pk)
        can_change = unit_in_scope(request.user, Action.CHANGE, term.community)
        seats = list(term.seats.all())
        return render(request, self.template_name, {
            "term": term, "seats": seats, "can_change": can_change,
            "form": form or (SeatForm() if can_change else None),
        }, status=400 if form is not None else 200)

    def post(self, request, pk):
        term = get_object_for_user(Term, request.user, Action.CHANGE, pk=pk)
        form = SeatForm(request.POST)
        if not form.is_valid():
            return self.get(request, pk, form=form)
        data = dict(form.cleaned_data)
        lookup = data.pop("lookup")
        if lookup:
            member = selectors.member_pick(user=request.user, text=lookup)
            if member is None:
                form.add_error("lookup", _("No party member with this ID number or mobile in your area."))
                return self.get(request, pk, form=form)
            kwargs = {"member": member}
        else:
            kwargs = {k: data[k] for k in ("person_name", "birth_date", "gender", "education")}
        seat = run_service(form, services.seat_create, actor=request.user, term=term,
                           party_post=data["party_post"], residents_post=data["residents_post"], **kwargs)
        if seat is None:
            return self.get(request, pk, form=form)
        messages.success(request, _("Saved."))
        return redirect("resources:term_detail", pk=term.pk)
