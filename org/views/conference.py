"""Pages of the regional joint conference (区域化党建联席会议): the conferences, one conference with its
member units and representatives, meetings, resources and projects; a meeting with its resolutions; the
needs list (raised in one click from a visit record or a case) and the projects list with their steps.

Thin: objects in scope through ``get_object_for_user`` (404 otherwise), lists through the FilterSets with
``core.web.filter_list``, writes through ``org.services`` with ``core.web.run_service`` (a refused scope is a
404 and nothing is written; a form error re-shows the page with status 400)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope, object_in_scope
from core.web import filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..choices import JOINT_PROJECT_TRANSITIONS, JointProjectAction
from ..filtersets import JointConferenceFilterSet, JointNeedFilterSet, JointProjectFilterSet
from ..forms.conference import (
    JointConferenceForm,
    MeetingForm,
    MemberUnitForm,
    NeedForm,
    NeedRaiseForm,
    ProjectForm,
    ProjectStepForm,
    ResolutionForm,
    ResourceForm,
)
from ..forms.registrations import EndForm
from ..models import ConferenceMeeting, ConferenceMemberUnit, JointProject
from .common import ListWithCreateView, unit_by_code

# -- conferences -----------------------------------------------------------------------------------

class JointConferenceListView(ListWithCreateView):
    """The conferences in scope with their counts; the create form for users who may change somewhere."""

    template_name = "org/conference_list.html"
    filterset_class = JointConferenceFilterSet
    create_form_class = JointConferenceForm

    def rows(self, user):
        return selectors.joint_conference_list(user=user)


class JointConferenceCreateView(View):
    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = JointConferenceForm(request.POST)
        if form.is_valid():
            unit = unit_by_code(request, form, "unit")
            if unit is not None:
                data = {k: form.cleaned_data[k] for k in ("name", "established_on", "note")}
                conference = run_service(form, services.joint_conference_create, actor=request.user, unit=unit,
                                         **data)
                if conference is not None:
                    messages.success(request, _("The joint conference was set up."))
                    return redirect("org:joint_conference_detail", conference.pk)
        view = JointConferenceListView()
        return render(request, view.template_name, view.context(request, create_form=form), status=400)


class JointConferenceDetailView(View):
    """One conference: member units with their representatives, meetings, resources, needs and projects,
    and (for who may change it) the forms to add each."""

    template_name = "org/conference_detail.html"

    def context(self, request, conference, **forms) -> dict:
        user = request.user
        can_change = object_in_scope(user, Action.CHANGE, conference)
        ctx = {
            "conference": conference,
            "member_units": list(selectors.conference_member_units(conference)),
            "meetings": list(selectors.conference_meetings(conference)[:20]),
            "resources": list(conference.resources.select_related("member_unit__outside_unit").order_by("kind", "pk")),
            "needs": list(conference.needs.select_related("unit").order_by("-raised_on", "-pk")[:20]),
            "projects": list(conference.projects.select_related("need").order_by("-matched_on", "-pk")[:20]),
            "can_change": can_change,
        }
        if can_change:
            ctx["member_form"] = forms.get("member_form") or MemberUnitForm(user=user, conference=conference)
            ctx["meeting_form"] = forms.get("meeting_form") or MeetingForm(conference=conference)
            ctx["resource_form"] = forms.get("resource_form") or ResourceForm(conference=conference)
            ctx["project_form"] = forms.get("project_form") or ProjectForm(conference=conference)
            ctx["end_form"] = EndForm()
        return ctx

    def get(self, request, pk):
        conference = selectors.joint_conference_get(user=request.user, pk=pk)
        return render(request, self.template_name, self.context(request, conference))


class _ConferenceWriteView(View):
    """POST one of the conference page's forms: the conference in CHANGE scope (404 otherwise), the form,
    the service; errors re-show the conference page with the form (400)."""

    form_name = ""
    done = ""  # a gettext_lazy message

    def build_form(self, request, conference):  # pragma: no cover - subclasses
        raise NotImplementedError

    def call(self, request, conference, form):  # pragma: no cover - subclasses
        raise NotImplementedError

    def post(self, request, pk):
        conference = selectors.joint_conference_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = self.build_form(request, conference)
        if form.is_valid():
            result = self.call(request, conference, form)
            if result is not None:
                messages.success(request, self.done)
                return redirect(reverse("org:joint_conference_detail", args=[conference.pk]))
        view = JointConferenceDetailView()
        return render(request, view.template_name, view.context(request, conference, **{self.form_name: form}),
                      status=400)


class ConferenceMemberAddView(_ConferenceWriteView):
    form_name = "member_form"
    done = gettext_lazy("The member unit was added.")

    def build_form(self, request, conference):
        return MemberUnitForm(request.POST, user=request.user, conference=conference)

    def call(self, request, conference, form):
        d = form.cleaned_data
        return run_service(form, services.conference_member_add, actor=request.user, conference=conference,
                           outside_unit=d["outside_unit"], duty=d["duty"], joined_on=d["joined_on"],
                           representatives=list(d["representatives"]) or None)


class ConferenceMeetingCreateView(_ConferenceWriteView):
    form_name = "meeting_form"
    done = gettext_lazy("The meeting was recorded.")

    def build_form(self, request, conference):
        return MeetingForm(request.POST, conference=conference)

    def call(self, request, conference, form):
        d = dict(form.cleaned_data)
        d["attendees"] = list(d["attendees"])
        return run_service(form, services.conference_meeting_create, actor=request.user, conference=conference, **d)


class JointResourceCreateView(_ConferenceWriteView):
    form_name = "resource_form"
    done = gettext_lazy("The resource was added.")

    def build_form(self, request, conference):
        return ResourceForm(request.POST, conference=conference)

    def call(self, request, conference, form):
        return run_service(form, services.joint_resource_create, actor=request.user, conference=conference,
                           **form.cleaned_data)


class JointProjectCreateView(_ConferenceWriteView):
    form_name = "project_form"
    done = gettext_lazy("The project was set up.")

    def build_form(self, request, conference):
        return ProjectForm(request.POST, conference=conference)

    def call(self, request, conference, form):
        d = dict(form.cleaned_data)
        d["member_units"] = list(d["member_units"]) or None
        d["communities"] = list(d["communities"]) or None
        return run_service(form, services.joint_project_create, actor=request.user, conference=conference, **d)


class ConferenceMemberEndView(View):
    def post(self, request, pk):
        member = get_object_for_user(ConferenceMemberUnit.objects.select_related("conference__unit"), request.user,
                                     Action.CHANGE, pk=pk)
        form = EndForm(request.POST, not_before=member.joined_on)
        if form.is_valid():
            done = run_service(form, services.conference_member_end, field_map={"left_on": "ended_on"},
                               actor=request.user, member_unit=member, left_on=form.cleaned_data["ended_on"])
            if done is not None:
                messages.success(request, _("Ended."))
                return redirect("org:joint_conference_detail", member.conference_id)
        view = JointConferenceDetailView()
        ctx = view.context(request, member.conference)
        ctx["end_form"] = form
        return render(request, view.template_name, ctx, status=400)


# -- meetings ------------------------------------------------------------------------------------------

class ConferenceMeetingDetailView(View):
    template_name = "org/conference_meeting.html"

    def context(self, request, meeting, resolution_form=None) -> dict:
        can_change = object_in_scope(request.user, Action.CHANGE, meeting)
        return {"meeting": meeting, "conference": meeting.conference,
                "attendees": list(meeting.attendees.select_related("outside_unit")),
                "resolutions": list(selectors.meeting_resolutions(meeting)), "can_change": can_change,
                "resolution_form": (resolution_form or ResolutionForm()) if can_change else None}

    def get(self, request, pk):
        meeting = get_object_for_user(ConferenceMeeting.objects.select_related("conference__unit"), request.user,
                                      Action.VIEW, pk=pk)
        return render(request, self.template_name, self.context(request, meeting))


class ConferenceResolutionCreateView(View):
    def post(self, request, pk):
        meeting = get_object_for_user(ConferenceMeeting.objects.select_related("conference__unit"), request.user,
                                      Action.CHANGE, pk=pk)
        form = ResolutionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            unit = unit_by_code(request, form, "unit") if d["unit"].strip() else None
            if unit is not None or not d["unit"].strip():
                done = run_service(form, services.conference_resolution_create, actor=request.user, meeting=meeting,
                                   text=d["text"], needs_work=d["needs_work"], unit=unit, kind=d["kind"],
                                   category=d["category"])
                if done is not None:
                    messages.success(request, _("The resolution was recorded."))
                    return redirect("org:joint_meeting_detail", meeting.pk)
        view = ConferenceMeetingDetailView()
        return render(request, view.template_name, view.context(request, meeting, resolution_form=form), status=400)


# -- needs ---------------------------------------------------------------------------------------------

class JointNeedListView(View):
    """Needs at units in scope, the visits and cases that could still raise one (one click each), and a
    form to raise one by hand."""

    template_name = "org/conference_needs.html"

    def context(self, request, need_form=None) -> dict:
        user = request.user
        filters, qs = filter_list(request, JointNeedFilterSet, selectors.joint_need_list(user=user))
        can_raise = has_any_scope(user, Action.CHANGE)
        return {"form": filters.form, "page": page_of(request, qs), "can_raise": can_raise,
                "candidates": selectors.joint_need_candidates(user=user) if can_raise else None,
                "need_form": (need_form or NeedForm()) if can_raise else None}

    def get(self, request):
        return render(request, self.template_name, self.context(request))


class JointNeedCreateView(View):
    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = NeedForm(request.POST)
        if form.is_valid():
            unit = unit_by_code(request, form, "unit")
            if unit is not None:
                need = run_service(form, services.joint_need_create, actor=request.user, unit=unit,
                                   title=form.cleaned_data["title"], description=form.cleaned_data["description"])
                if need is not None:
                    messages.success(request, _("The need was put on the list."))
                    return redirect("org:joint_need_list")
        view = JointNeedListView()
        return render(request, view.template_name, view.context(request, need_form=form), status=400)


class JointNeedRaiseView(View):
    """One click from a visit record or a case (``visit`` or ``case`` posted): the need, once per source."""

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = NeedRaiseForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            if d.get("visit"):
                need = run_service(form, services.joint_need_raise_from_visit, actor=request.user, visit=d["visit"])
            else:
                need = run_service(form, services.joint_need_raise_from_case, actor=request.user, case=d["case"])
            if need is not None:
                messages.success(request, _("The need was put on the list."))
                return redirect(reverse("org:joint_need_list"))
        view = JointNeedListView()
        ctx = view.context(request)
        ctx["raise_errors"] = form.non_field_errors()
        return render(request, view.template_name, ctx, status=400)


# -- projects ------------------------------------------------------------------------------------------

class JointProjectListView(View):
    template_name = "org/conference_projects.html"

    def get(self, request):
        filters, qs = filter_list(request, JointProjectFilterSet, selectors.joint_project_list(user=request.user))
        return render(request, self.template_name, {"form": filters.form, "page": page_of(request, qs)})


class JointProjectDetailView(View):
    template_name = "org/conference_project.html"

    def context(self, request, project, step_form=None) -> dict:
        can_change = object_in_scope(request.user, Action.CHANGE, project)
        steps = [a for a, (sources, _target) in JOINT_PROJECT_TRANSITIONS.items() if project.state in sources]
        return {"project": project, "conference": project.conference,
                "member_units": list(project.member_units.select_related("outside_unit")),
                "communities": list(project.communities.order_by("code")),
                "events": list(project.events.select_related("actor")), "can_change": can_change,
                "steps": [(a, JointProjectAction(a).label) for a in steps] if can_change else [],
                "step_form": step_form or ProjectStepForm()}

    def get(self, request, pk):
        project = selectors.joint_project_get(user=request.user, pk=pk)
        return render(request, self.template_name, self.context(request, project))


class JointProjectStepView(View):
    """POST a step of a project (``start``, ``complete``, ``cancel``)."""

    def post(self, request, pk, step):
        project = get_object_for_user(JointProject.objects.select_related("conference__unit", "need__unit"),
                                      request.user, Action.CHANGE, pk=pk)
        form = ProjectStepForm(request.POST)
        if step in JOINT_PROJECT_TRANSITIONS and form.is_valid():
            d = form.cleaned_data
            done = run_service(form, services.joint_project_transition, actor=request.user, project=project,
                               action=step, on=d["on"], results=d["results"],
                               households_benefited=d["households_benefited"], note=d["note"])
            if done is not None:
                messages.success(request, _("The project was updated."))
                return redirect("org:joint_project_detail", project.pk)
        elif step not in JOINT_PROJECT_TRANSITIONS:
            form.add_error(None, _("Unknown action."))
        view = JointProjectDetailView()
        return render(request, view.template_name, view.context(request, project, step_form=form), status=400)
