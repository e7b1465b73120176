"""Inspections 四不两直 with findings and rectification items; supervision notices 督办通报 and
accountability interviews 约谈问责 linked to their causes (traceable both ways); the catalogue of
delegated service items 下放服务事项."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, page_of, run_service
from org.models import OrgUnit

from .. import selectors, services
from ..choices import NoticeState
from ..filtersets import DelegatedItemFilter, InspectionFilter, InterviewFilter, NoticeFilter
from ..forms import (
    FindingForm,
    InspectionForm,
    InterviewForm,
    NoticeIssueForm,
    NoticeWithdrawForm,
    RectificationFollowUpForm,
)
from ..models import Finding, Inspection, KeyTask, RectificationItem, SupervisionNotice
from .common import STREET_KINDS
from .delegated import catalogue_keeper


def _organiser_units(user):
    return list(OrgUnit.objects.for_user(user, Action.CHANGE).filter(Q(parent__isnull=True) | Q(kind__in=STREET_KINDS))
                .order_by("tree_id", "lft"))


# -- inspections ------------------------------------------------------------------------------------

class InspectionListView(View):
    template_name = "supervision/inspection_list.html"

    def get(self, request, create_form=None):
        user = request.user
        filterset, qs = filter_list(request, InspectionFilter, selectors.inspection_list(user=user))
        organisers = _organiser_units(user)
        ctx = {"form": filterset.form, "page": page_of(request, qs),
               "base_url": reverse("supervision:inspection_list"), "organisers": organisers,
               "create_form": create_form or (InspectionForm() if organisers else None)}
        return render(request, self.template_name, ctx, status=400 if create_form else 200)


class InspectionCreateView(View):
    """POST: record an inspection organised by the user's top unit (district root or street)."""

    def post(self, request):
        user = request.user
        organisers = _organiser_units(user)
        if not organisers:
            raise Http404
        form = InspectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            codes = [c.strip() for c in data["places"].replace("，", ",").split(",") if c.strip()]
            places = list(OrgUnit.objects.for_user(user).filter(code__in=codes))
            missing = sorted(set(codes) - {p.code for p in places})
            if missing:
                form.add_error("places", _("No unit with this code in your scope: %(codes)s")
                               % {"codes": ", ".join(missing)})
            else:
                unit = organisers[0]
                inspection = run_service(form, services.inspection_create, actor=user, unit=unit,
                                         held_on=data["held_on"], inspectors=data["inspectors"], places=places,
                                         unannounced=data["unannounced"], note=data["note"])
                if inspection is not None:
                    messages.success(request, _("The inspection was recorded."))
                    return redirect("supervision:inspection_detail", pk=inspection.pk)
        return InspectionListView().get(request, create_form=form)


def _findings(user, **filters):
    return list(
        Finding.objects.for_user(user).filter(**filters)
        .select_related("inspection", "unit", "department", "key_task")
        .prefetch_related(Prefetch("rectifications", RectificationItem.objects.order_by("deadline", "id")))
        .order_by("-inspection__held_on", "id")
    )


class InspectionDetailView(View):
    template_name = "supervision/inspection_detail.html"

    def context(self, request, inspection, finding_form=None):
        user = request.user
        can_change = unit_in_scope(user, Action.CHANGE, unit=inspection.unit)
        tasks = list(KeyTask.objects.for_user(user).filter(year=inspection.held_on.year)) if can_change else []
        return {"inspection": inspection, "places": list(inspection.places.order_by("tree_id", "lft")),
                "findings": _findings(user, inspection=inspection), "can_change": can_change,
                "finding_form": finding_form or (FindingForm(tasks=tasks) if can_change else None)}

    def get(self, request, pk):
        inspection = get_object_for_user(Inspection.objects.select_related("unit"), request.user, Action.VIEW, pk=pk)
        return render(request, self.template_name, self.context(request, inspection))


class FindingCreateView(View):
    """POST a finding (and optionally its rectification item) on an inspection."""

    def post(self, request, pk):
        user = request.user
        inspection = get_object_for_user(Inspection.objects.select_related("unit"), user, Action.CHANGE, pk=pk)
        tasks = list(KeyTask.objects.for_user(user).filter(year=inspection.held_on.year))
        form = FindingForm(request.POST, tasks=tasks, units=OrgUnit.objects.for_user(user))
        if form.is_valid():
            data = form.cleaned_data
            task = next((t for t in tasks if t.pk == data.get("key_task")), None)
            if data.get("key_task") and task is None:
                raise Http404
            finding = run_service(form, _finding_with_rectification, actor=user, inspection=inspection,
                                  dimension=data["dimension"], description=data["description"], unit=data["unit"],
                                  department=data.get("department"), key_task=task,
                                  rectification=data.get("rectification") or "", deadline=data.get("deadline"))
            if finding is not None:
                messages.success(request, _("The finding was recorded."))
                return redirect("supervision:inspection_detail", pk=inspection.pk)
        view = InspectionDetailView()
        return render(request, view.template_name, view.context(request, inspection, finding_form=form), status=400)


def _finding_with_rectification(*, actor, rectification: str, deadline, **kwargs):
    """A finding and its rectification item in one transaction (two services, all or nothing)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    with transaction.atomic():
        finding = services.finding_create(actor=actor, **kwargs)
        if rectification.strip():
            if deadline is None:
                raise ValidationError({"deadline": ValidationError(_("Give the rectification deadline."),
                                                                   code="required")})
            services.rectification_item_create(actor=actor, finding=finding, description=rectification,
                                               deadline=deadline)
    return finding


class FindingListView(View):
    """Findings about the user's units or department, with their rectification items to follow up."""

    template_name = "supervision/finding_list.html"

    def get(self, request):
        user = request.user
        findings = _findings(user)
        for f in findings:
            for item in f.rectifications.all():
                item.can_follow_up = item.done_on is None and unit_in_scope(
                    user, Action.RECORD, unit=f.unit, department_id=f.department_id)
                item.form = RectificationFollowUpForm(prefix=f"r{item.pk}") if item.can_follow_up else None
        return render(request, self.template_name, {"findings": findings[:200]})


class RectificationFollowUpView(View):
    def post(self, request, pk):
        user = request.user
        item = get_object_for_user(RectificationItem.objects.select_related("finding"), user, Action.RECORD, pk=pk)
        form = RectificationFollowUpForm(request.POST, prefix=f"r{item.pk}")
        if form.is_valid():
            done = run_service(form, services.rectification_item_follow_up, actor=user, item=item,
                               **form.cleaned_data)
            if done is not None:
                messages.success(request, _("The follow-up was saved."))
                return redirect(reverse("supervision:finding_list") + f"#finding-{item.finding_id}")
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(reverse("supervision:finding_list") + f"#finding-{item.finding_id}")


# -- supervision notices and interviews ---------------------------------------------------------------

class NoticeListView(View):
    template_name = "supervision/notice_list.html"

    def get(self, request):
        filterset, qs = filter_list(request, NoticeFilter, selectors.supervision_notice_list(user=request.user))
        return render(request, self.template_name, {"form": filterset.form, "page": page_of(request, qs),
                                                    "base_url": reverse("supervision:notice_list")})


def _notice(user, pk, action=Action.VIEW):
    return get_object_for_user(
        SupervisionNotice.objects.select_related("unit", "department", "key_task", "letter", "letter__task", "case",
                                                 "finding", "finding__inspection", "finding__key_task"),
        user, action, pk=pk)


def _district_may_change(user, notice) -> bool:
    """Issuing and withdrawing are the district's: CHANGE scope over the root of the notice's unit
    (the services check the same, fresh)."""
    return unit_in_scope(user, Action.CHANGE, unit=notice.unit.get_root())


class NoticeDetailView(View):
    """A notice, its cause (linked back to the case, letter, task or finding) and the interviews that
    followed; district staff review and issue or withdraw drafts and record interviews here."""

    template_name = "supervision/notice_detail.html"

    def context(self, request, notice, **forms):
        user = request.user
        can_change = unit_in_scope(user, Action.CHANGE, unit=notice.unit, department_id=notice.department_id)
        can_review = notice.state == NoticeState.DRAFT and _district_may_change(user, notice)
        return {
            "notice": notice, "chain": selectors.notice_chain(notice=notice), "can_change": can_change,
            "can_review": can_review,
            "issue_form": forms.get("issue_form") or (NoticeIssueForm(initial={"text": notice.text})
                                                      if can_review else None),
            "withdraw_form": forms.get("withdraw_form") or (NoticeWithdrawForm() if can_review else None),
            "interview_form": forms.get("interview_form") or (
                InterviewForm() if can_change and notice.state == NoticeState.ISSUED else None),
        }

    def get(self, request, pk):
        notice = _notice(request.user, pk)
        return render(request, self.template_name, self.context(request, notice))


class NoticeActionView(View):
    """POST issue / withdraw (district only) or interview (CHANGE scope) on a notice; out of scope is
    a 404 like a missing id."""

    action = ""
    FORMS = {"issue": NoticeIssueForm, "withdraw": NoticeWithdrawForm, "interview": InterviewForm}

    def post(self, request, pk):
        user = request.user
        notice = _notice(user, pk, Action.CHANGE)
        if self.action in ("issue", "withdraw") and not _district_may_change(user, notice):
            raise Http404
        form = self.FORMS[self.action](request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if self.action == "issue":
                done = run_service(form, services.supervision_notice_issue, actor=user, notice=notice, **data)
            elif self.action == "withdraw":
                done = run_service(form, services.supervision_notice_withdraw, actor=user, notice=notice, **data)
            else:
                done = run_service(form, services.accountability_interview_create, actor=user, notice=notice, **data)
            if done is not None:
                messages.success(request, _("Saved."))
                return redirect("supervision:notice_detail", pk=notice.pk)
        view = NoticeDetailView()
        return render(request, view.template_name, view.context(request, notice, **{f"{self.action}_form": form}),
                      status=400)


class InterviewListView(View):
    template_name = "supervision/interview_list.html"

    def get(self, request):
        filterset, qs = filter_list(request, InterviewFilter, selectors.interview_list(user=request.user))
        return render(request, self.template_name, {"form": filterset.form, "page": page_of(request, qs),
                                                    "base_url": reverse("supervision:interview_list")})


# -- delegated service items ----------------------------------------------------------------------------

class DelegatedItemListView(View):
    template_name = "supervision/delegated_item_list.html"

    def get(self, request):
        # in force by default; ``status`` (the filter) shows withdrawn items too
        filterset, qs = filter_list(request, DelegatedItemFilter,
                                    selectors.delegated_item_list(user=request.user, active=None))
        return render(request, self.template_name, {"form": filterset.form, "page": page_of(request, qs, 100),
                                                    "base_url": reverse("supervision:delegated_item_list"),
                                                    "can_change": catalogue_keeper(request.user) is not None})
