"""社区两委 pages: the term statistics of a subtree against the previous term (per street and in all),
the list of terms, and a term's roster (where the community adds seats, a member picked by ID number
or mobile) with its xlsx import."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope, unit_in_scope
from core.web import export_xlsx, filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..filtersets import TermFilter
from ..forms import SeatEndForm, SeatForm, TermCreateForm
from ..models import Seat, Term
from .common import render_form, stats_unit, year_of


def _term_number(request, unit, year):
    try:
        number = int(request.GET.get("term") or 0) or None
    except ValueError:
        number = None
    return number if number and 1 <= number <= 999 else selectors.latest_term_number(unit, year)


class TermStatsView(View):
    template_name = "resources/term_stats.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        unit = stats_unit(request)
        year = year_of(request)
        number = _term_number(request, unit, year)
        ctx = {"unit": unit, "year": year, "number": number, "total": None, "streets": [], "chart": None,
               "can_export": unit_in_scope(request.user, Action.EXPORT, unit)}
        if number:
            ctx["total"] = selectors.term_comparison(unit, number)
            ctx["streets"] = selectors.term_comparison_by_street(unit, number) if unit.level == 0 else []
            ctx["chart"] = selectors.term_chart_data(ctx["total"])
            ctx["chart_labels"] = {
                "avg_age": _("Average age at election"), "young_pct": _("Under 35, share of members (percent)"),
                "college_pct": _("College or above, share of members (percent)"),
                "term": _("Term %(n)s"),
            }
        return render(request, self.template_name, ctx)


class TermStatsExportView(View):
    """The term statistics of the page (same unit and term) as xlsx: EXPORT over the unit, audited."""

    def get(self, request):
        unit = stats_unit(request)
        if not unit_in_scope(request.user, Action.EXPORT, unit):
            raise Http404
        number = _term_number(request, unit, year_of(request))
        if not number:
            raise Http404
        rows = selectors.term_stats_export_rows(unit, number)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return export_xlsx(actor=request.user, action="term_stats.export", model=Term, unit=unit,
                           filters={"unit": unit.code, "term": number}, object_repr=_("Term statistics"),
                           filename=f"term-stats-{unit.code}-{number}-{stamp}.xlsx",
                           sheets=[("两委换届统计", selectors.STATS_EXPORT_COLUMNS, rows)])


class TermRosterExportView(View):
    """A term's roster as xlsx: EXPORT over the term's community (404 otherwise), audited."""

    def get(self, request, pk):
        term = selectors.term_get(user=request.user, pk=pk, action=Action.EXPORT)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return export_xlsx(actor=request.user, action="term_roster.export", model=Seat, unit=term.community,
                           filters={"term": term.pk}, object_repr=str(term),
                           filename=f"roster-{term.community.code}-{term.number}-{stamp}.xlsx",
                           sheets=[("两委名册", selectors.ROSTER_EXPORT_COLUMNS, selectors.roster_export_rows(term))])


class TermCreateView(View):
    """A new term of a community the user may edit (the community is picked from that scope)."""

    template_name = "resources/term_form.html"

    def get(self, request):
        require_any_scope(request.user, Action.CHANGE)
        return render_form(request, self.template_name, {}, TermCreateForm(user=request.user))

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = TermCreateForm(request.POST, user=request.user)
        term = form.is_valid() and run_service(form, services.term_create, actor=request.user, **form.cleaned_data)
        if not term:
            return render_form(request, self.template_name, {}, form)
        messages.success(request, _("Saved."))
        return redirect("resources:term_detail", pk=term.pk)


class SeatEndView(View):
    """POST: the person left the committee (CHANGE over the term's community, else 404)."""

    def post(self, request, pk):
        seat = get_object_for_user(Seat.objects.select_related("term"), request.user, Action.CHANGE, pk=pk)
        form = SeatEndForm(request.POST)
        if form.is_valid() and run_service(form, services.seat_end, actor=request.user, seat=seat,
                                           left_on=form.cleaned_data["left_on"]):
            messages.success(request, _("Saved."))
            return redirect("resources:term_detail", pk=seat.term_id)
        return TermDetailView().get(request, seat.term_id, end_form=form, end_seat=seat.pk)


class TermListView(View):
    template_name = "resources/term_list.html"

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        filterset, rows = filter_list(request, TermFilter, selectors.term_list(user=request.user))
        page = page_of(request, rows)
        return render(request, self.template_name, {"form": filterset.form, "page": page,
                                                    "can_add": has_any_scope(request.user, Action.CHANGE)},
                      status=400 if filterset.errors else 200)


class TermDetailView(View):
    """GET: the roster (VIEW). POST: seat a person (CHANGE over the term's community, else 404)."""

    template_name = "resources/term_detail.html"

    def get(self, request, pk, form=None, end_form=None, end_seat=None):
        term = selectors.term_get(user=request.user, pk=pk)
        can_change = unit_in_scope(request.user, Action.CHANGE, term.community)
        seats = list(term.seats.all())
        parent = term.community.parent
        return render(request, self.template_name, {
            "term": term, "seats": seats, "can_change": can_change,
            "can_record_career": parent is not None and unit_in_scope(request.user, Action.CHANGE, parent),
            "can_export": unit_in_scope(request.user, Action.EXPORT, term.community),
            "form": form or (SeatForm() if can_change else None),
            "end_form": end_form or SeatEndForm(), "end_seat": end_seat,
        }, status=400 if (form is not None or end_form is not None) else 200)

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
