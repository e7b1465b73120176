"""Pages of the assessment system: the regular assessments in scope (one's own included), a unit's or
person's assessment with each indicator, its score and the records behind it, the reviewer's entry and
completion, the year-end board (results, quota and cut, grade distribution) with its export, the
district's finalisation, reopening and quota override. Views are thin: fetch in scope, form, service."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import export_xlsx, filter_list, page_of, require_any_scope, run_service
from org.models import OrgUnit

from . import selectors, services
from .choices import IndicatorKind, RegularState, SchemeState
from .filtersets import RegularFilter, YearResultFilter
from .forms import (
    ActionForm,
    DebriefForm,
    IndicatorForm,
    QuotaOverrideForm,
    ReasonForm,
    ReviewForm,
    SchemeCopyForm,
    ScoreForm,
    YearForm,
)
from .models import Scheme, YearResult

# Where a record behind a computed value is shown (supervision's pages; a list where it has no page).
RECORD_PAGES = {
    "supervision.case": ("supervision:case_detail", True),
    "supervision.supervisionnotice": ("supervision:notice_detail", True),
    "supervision.assignmentletter": ("supervision:letter_detail", True),
    "supervision.visitgap": ("supervision:visit_coverage", False),
    "supervision.accountabilityinterview": ("supervision:interview_list", False),
    "supervision.rectificationitem": ("supervision:finding_list", False),
    "governance.meeting": ("governance:meeting_detail", True),
    "governance.topic": ("governance:topic_detail", True),
}


def record_links(records) -> list[dict]:
    links = []
    for rec in records or []:
        name, with_pk = RECORD_PAGES.get(rec.get("type"), (None, False))
        try:
            url = reverse(name, args=[rec["id"]] if with_pk else []) if name else ""
        except NoReverseMatch:
            url = ""
        links.append({"type": rec.get("type"), "id": rec.get("id"), "url": url})
    return links


def _root(user):
    return OrgUnit.objects.for_user(user, Action.VIEW).filter(parent__isnull=True).first()


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return year


class RegularListView(View):
    """The regular assessments the user may see: their own, their unit's and those their unit assesses."""

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        filterset, qs = filter_list(request, RegularFilter, selectors.regular_list(user=request.user))
        return render(request, "assessment/regular_list.html",
                      {"form": filterset.form, "page": page_of(request, qs),
                       "base_url": reverse("assessment:regular_list")},
                      status=400 if filterset.errors else 200)


class RegularDetailView(View):
    def get(self, request, pk, score_form=None, status=200):
        assessment = get_object_for_user(selectors.regular_list(user=request.user), request.user, Action.VIEW, pk=pk)
        scores = {s.indicator_id: s for s in selectors.regular_scores(assessment)}
        rows = []
        for ind in assessment.scheme.indicators.select_related("area").order_by("number"):
            s = scores.get(ind.pk)
            rows.append({"indicator": ind, "score": s, "links": record_links(s.records if s else [])})
        can_review = (assessment.state == RegularState.OPEN
                      and unit_in_scope(request.user, Action.CHANGE, assessment.reviewer_unit)
                      and assessment.person_id != request.user.pk)
        has_reviewed = any(r["indicator"].kind == IndicatorKind.REVIEWED for r in rows)
        ctx = {"a": assessment, "rows": rows, "can_review": can_review,
               "score_form": score_form or (ScoreForm(assessment=assessment) if can_review and has_reviewed else None)}
        return render(request, "assessment/regular_detail.html", ctx, status=status)


class RegularScoreView(View):
    """POST: the reviewer unit's score of a reviewed indicator (another unit's assessment: 404)."""

    def post(self, request, pk):
        assessment = get_object_for_user(selectors.regular_list(user=request.user), request.user, Action.VIEW, pk=pk)
        form = ScoreForm(request.POST, assessment=assessment)
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(form, services.regular_score_enter, actor=request.user, assessment=assessment,
                               indicator=d["indicator"], score=d["score"], evidence=d["evidence"],
                               comment=d["comment"])
            if done is not None:
                messages.success(request, _("Score saved."))
                return redirect("assessment:regular_detail", pk=assessment.pk)
        elif not unit_in_scope(request.user, Action.CHANGE, assessment.reviewer_unit):
            raise Http404
        return RegularDetailView().get(request, pk, score_form=form, status=400)


class RegularCompleteView(View):
    def post(self, request, pk):
        assessment = get_object_for_user(selectors.regular_list(user=request.user), request.user, Action.VIEW, pk=pk)
        form = ActionForm.bound()
        done = run_service(form, services.regular_complete, actor=request.user, assessment=assessment)
        if done is None:
            for error in form.non_field_errors():
                messages.error(request, error)
        else:
            messages.success(request, _("Regular assessment completed."))
        return redirect("assessment:regular_detail", pk=assessment.pk)


class BoardView(View):
    """The year-end board of the user's scope (a street: its communities and cadres; the district: all):
    results of units with their grades, the quota and cut of every assessing unit (computed in the
    selectors), and the grade distribution. Individuals appear only in the grade counts and, for their
    assessors, in the export: there is no ranking of people."""

    def get(self, request):
        require_any_scope(request.user, Action.VIEW)
        year = _year(request)
        data = request.GET.copy()
        data.setdefault("year", str(year))
        filterset, qs = filter_list(request, YearResultFilter, selectors.year_result_list(user=request.user),
                                    data=data)
        unit = filterset.value("unit")
        results = list(qs)
        units = [r for r in results if not r.is_person]
        # individuals are listed on the board of one unit (``unit=CODE``), by unit and name, never ranked
        people = sorted((r for r in results if r.is_person),
                        key=lambda r: (r.reviewer_unit.lft, r.unit.lft, r.assessee_name)) if unit else []
        quotas = selectors.quota_rows(user=request.user, year=year, unit=unit) if not filterset.errors else []
        root = _root(request.user)
        close = selectors.year_closed(root.pk, year) if root else None
        is_district = root is not None and unit_in_scope(request.user, Action.CHANGE, root)
        distribution = selectors.grade_distribution(results)
        ctx = {"form": filterset.form, "year": year, "units": page_of(request, units), "unit": unit,
               "base_url": reverse("assessment:board"), "quotas": quotas, "people": people,
               "distribution": distribution, "chart": selectors.grade_chart(distribution), "close": close, "is_district": is_district,
               "reason_form": ReasonForm(), "override_form": QuotaOverrideForm(user=request.user, year=year),
               "can_export": unit_in_scope(request.user, Action.EXPORT, unit) if unit else True}
        return render(request, "assessment/board.html", ctx, status=400 if filterset.errors else 200)


class BoardExportView(View):
    """The year's results per unit and per person in scope, for cadre selection (audited)."""

    def get(self, request):
        require_any_scope(request.user, Action.EXPORT)
        year = _year(request)
        data = request.GET.copy()
        data.setdefault("year", str(year))
        filterset, qs = filter_list(request, YearResultFilter, selectors.year_result_list(user=request.user),
                                    data=data)
        if filterset.errors:
            raise Http404
        allowed = {u.pk for u in OrgUnit.objects.for_user(request.user, Action.EXPORT).only("pk")}
        rows_units, rows_people = [], []
        for r in qs:
            if r.unit_id not in allowed and r.person_id != request.user.pk:
                continue
            grade = r.grade_label
            row = [r.year, r.scheme.get_assessee_kind_display(), r.unit.code, r.assessee_name,
                   r.reviewer_unit.name, r.regular_count, r.regular_avg, r.review_score, r.vote_score, r.total,
                   str(grade), "✓" if r.frozen else ""]
            (rows_people if r.is_person else rows_units).append(row)
        headers = [_("Year"), _("Assessed"), _("Unit code"), _("Name"), _("Assessed by"), _("Quarters completed"),
                   _("Regular average"), _("Year-end review"), _("Debrief score"), _("Total"), _("Grade"),
                   _("Finalised")]
        return export_xlsx(actor=request.user, action="assessment.results", model=YearResult,
                           sheets=[(str(_("Units")), headers, rows_units), (str(_("Individuals")), headers, rows_people)],
                           filename=f"assessment-{year}.xlsx", filters=filterset.form.cleaned_data)


class YearFinaliseView(View):
    def post(self, request):
        form = YearForm(request.POST)
        root = _root(request.user)
        if root is None:
            raise Http404
        if form.is_valid():
            close = run_service(form, services.year_finalise, actor=request.user, owner=root,
                                year=form.cleaned_data["year"])
            if close is not None:
                messages.success(request, _("The year is finalised."))
                return redirect(f"{reverse('assessment:board')}?year={close.year}")
        elif not unit_in_scope(request.user, Action.CHANGE, root):
            raise Http404
        for error in [*form.non_field_errors(), *form.errors.get("year", [])]:
            messages.error(request, error)
        return redirect("assessment:board")


class YearReopenView(View):
    def post(self, request):
        root = _root(request.user)
        if root is None or not unit_in_scope(request.user, Action.CHANGE, root):
            raise Http404
        year_form, form = YearForm(request.POST), ReasonForm(request.POST)
        if year_form.is_valid() and form.is_valid():
            close = run_service(form, services.year_reopen, actor=request.user, owner=root,
                                year=year_form.cleaned_data["year"], reason=form.cleaned_data["reason"])
            if close is not None:
                messages.success(request, _("The year is reopened."))
                return redirect(f"{reverse('assessment:board')}?year={close.year}")
        for errors in [*year_form.errors.values(), *form.errors.values()]:
            for error in errors:
                messages.error(request, error)
        return redirect("assessment:board")


class QuotaOverrideView(View):
    def post(self, request):
        root = _root(request.user)
        if root is None or not unit_in_scope(request.user, Action.CHANGE, root):
            raise Http404
        form = QuotaOverrideForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            done = run_service(form, services.quota_override_set, actor=request.user, unit=d["unit"],
                               scheme=d["scheme"], cut_points=d["cut_points"], reason=d["reason"])
            if done is not None:
                messages.success(request, _("The cut is overridden."))
                return redirect(f"{reverse('assessment:board')}?year={d['scheme'].year}")
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("assessment:board")


class ExcellentProposeView(View):
    """POST ``excellent=1|0``: the reviewer unit proposes (withdraws) 优秀 for a person, within its quota."""

    def post(self, request, pk):
        result = get_object_for_user(selectors.year_result_list(user=request.user), request.user, Action.VIEW, pk=pk)
        form = ActionForm.bound()
        done = run_service(form, services.excellent_propose, actor=request.user, result=result,
                           excellent=request.POST.get("excellent", "1") == "1")
        if done is None:
            for error in form.non_field_errors():
                messages.error(request, error)
        else:
            messages.success(request, _("Saved."))
        return redirect(f"{reverse('assessment:board')}?year={result.year}")


class YearResultDetailView(View):
    """One year-end result: its quarters (links to each regular assessment), the year-end review, the
    述职评议 votes, the total and grade; the reviewer unit enters the review and the votes here. A
    finalised result shows its frozen snapshot."""

    def get(self, request, pk, review_form=None, debrief_form=None, status=200):
        result = get_object_for_user(selectors.year_result_list(user=request.user), request.user, Action.VIEW, pk=pk)
        quarters = selectors.regular_list(user=request.user).filter(scheme_id=result.scheme_id,
                                                                    assessee_key=result.assessee_key)
        can_review = (not result.frozen and result.person_id != request.user.pk
                      and unit_in_scope(request.user, Action.CHANGE, result.reviewer_unit))
        ctx = {"r": result, "quarters": quarters.order_by("period"), "can_review": can_review,
               "review_form": review_form or (ReviewForm(initial={"review_score": result.review_score})
                                              if can_review else None),
               "debrief_form": debrief_form or (DebriefForm() if can_review and result.scheme.vote_weight else None)}
        return render(request, "assessment/result_detail.html", ctx, status=status)


class YearResultReviewView(View):
    def post(self, request, pk):
        result = get_object_for_user(selectors.year_result_list(user=request.user), request.user, Action.VIEW, pk=pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if run_service(form, services.year_review_enter, actor=request.user, result=result,
                           review_score=d["review_score"], evidence=d["evidence"], comment=d["comment"]):
                messages.success(request, _("Saved."))
                return redirect("assessment:result_detail", pk=result.pk)
        elif not unit_in_scope(request.user, Action.CHANGE, result.reviewer_unit):
            raise Http404
        return YearResultDetailView().get(request, pk, review_form=form, status=400)


class YearResultDebriefView(View):
    def post(self, request, pk):
        result = get_object_for_user(selectors.year_result_list(user=request.user), request.user, Action.VIEW, pk=pk)
        form = DebriefForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if run_service(form, services.debrief_record, actor=request.user, result=result, report=d["report"],
                           good=d["good"], fairly_good=d["fairly_good"], average=d["average"], poor=d["poor"]):
                messages.success(request, _("Saved."))
                return redirect("assessment:result_detail", pk=result.pk)
        elif not unit_in_scope(request.user, Action.CHANGE, result.reviewer_unit):
            raise Http404
        return YearResultDetailView().get(request, pk, debrief_form=form, status=400)


# -- schemes (the district keeps them: to anyone else these pages do not exist) ----------------------

def _district_root(user):
    root = _root(user)
    if root is None or not unit_in_scope(user, Action.CHANGE, root):
        raise Http404
    return root


class SchemeListView(View):
    """The district's schemes by year, each with a form copying it to a new year."""

    def get(self, request, copy_form=None, copy_for=None, status=200):
        _district_root(request.user)
        schemes = list(selectors.scheme_list(user=request.user).filter(
            pk__in=Scheme.objects.for_user(request.user, Action.CHANGE).values("pk")))
        years = {}
        for scheme in schemes:
            scheme.copy_form = copy_form if copy_for == scheme.pk else SchemeCopyForm(
                initial={"year": scheme.year + 1}, prefix=f"copy{scheme.pk}")
            years.setdefault(scheme.year, []).append(scheme)
        return render(request, "assessment/scheme_list.html", {"years": sorted(years.items(), reverse=True)},
                      status=status)


class SchemeCopyView(View):
    def post(self, request, pk):
        scheme = selectors.scheme_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = SchemeCopyForm(request.POST, prefix=f"copy{scheme.pk}")
        if form.is_valid():
            copy = run_service(form, services.scheme_copy, field_map={"__all__": "year"}, actor=request.user,
                               scheme=scheme, year=form.cleaned_data["year"], name=form.cleaned_data["name"])
            if copy is not None:
                messages.success(request, _("Copied to a new draft scheme."))
                return redirect("assessment:scheme_detail", pk=copy.pk)
        return SchemeListView().get(request, copy_form=form, copy_for=scheme.pk, status=400)


class SchemeDetailView(View):
    def get(self, request, pk, activate_form=None, status=200):
        scheme = selectors.scheme_get(user=request.user, pk=pk, action=Action.CHANGE)
        return render(request, "assessment/scheme_detail.html",
                      {"scheme": scheme, "indicators": selectors.scheme_indicators(scheme),
                       "is_draft": scheme.state == SchemeState.DRAFT,
                       "activate_form": activate_form}, status=status)


class SchemeActivateView(View):
    def post(self, request, pk):
        scheme = selectors.scheme_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = ActionForm.bound()
        if run_service(form, services.scheme_activate, actor=request.user, scheme=scheme) is not None:
            messages.success(request, _("The scheme is in use."))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
        return SchemeDetailView().get(request, pk, activate_form=form, status=400)


class IndicatorCreateView(View):
    def get(self, request, pk, form=None, status=200):
        scheme = selectors.scheme_get(user=request.user, pk=pk, action=Action.CHANGE)
        number = (scheme.indicators.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        form = form or IndicatorForm(scheme=scheme, initial={"number": number})
        return render(request, "assessment/indicator_form.html", {"scheme": scheme, "form": form, "indicator": None},
                      status=status)

    def post(self, request, pk):
        scheme = selectors.scheme_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = IndicatorForm(request.POST, scheme=scheme)
        if form.is_valid() and run_service(form, services.indicator_create, actor=request.user, scheme=scheme,
                                           **form.values()) is not None:
            messages.success(request, _("Saved."))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
        return self.get(request, pk, form=form, status=400)


class IndicatorEditView(View):
    """A draft scheme's indicator; a scheme in use refuses the edit (the service's coded error)."""

    def get(self, request, pk, form=None, status=200):
        indicator = selectors.indicator_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = form or IndicatorForm(scheme=indicator.scheme, initial=IndicatorForm.initial_of(indicator))
        return render(request, "assessment/indicator_form.html",
                      {"scheme": indicator.scheme, "form": form, "indicator": indicator}, status=status)

    def post(self, request, pk):
        indicator = selectors.indicator_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = IndicatorForm(request.POST, scheme=indicator.scheme)
        if form.is_valid() and run_service(form, services.indicator_update, actor=request.user, indicator=indicator,
                                           **form.values()) is not None:
            messages.success(request, _("Saved."))
            return redirect("assessment:scheme_detail", pk=indicator.scheme_id)
        return self.get(request, pk, form=form, status=400)


class IndicatorDeleteView(View):
    def post(self, request, pk):
        indicator = selectors.indicator_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = ActionForm.bound()
        if run_service(form, services.indicator_delete, actor=request.user, indicator=indicator) is None:
            for error in form.non_field_errors():
                messages.error(request, error)
        else:
            messages.success(request, _("Indicator deleted."))
        return redirect("assessment:scheme_detail", pk=indicator.scheme_id)
