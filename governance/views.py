"""Pages of the governance system: thin (fetch in scope → bind a form → ``run_service`` → redirect).
Phone-first for secretaries: raise a topic from a visit, record a meeting and its resolutions,
update an implementation. Lists take the FilterSets and export xlsx (audited)."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope, unit_in_scope
from core.web import export_xlsx, filter_list, page_of, run_service
from supervision.models import Case, VisitRecord

from . import selectors, services
from .choices import ADOPTED_OUTCOMES, MeetingState, WorkKind
from .filtersets import FloatingFilter, MeetingFilter, PostingFilter, SocialOrgFilter, TopicFilter
from .forms import (
    FollowUpForm,
    ImplementForm,
    MeetingForm,
    MeetingRecordForm,
    ResolutionForm,
    TopicRaiseForm,
    WorkUpdateForm,
)
from .models import AgendaItem

EXPORT_MAX = 5000


def _require_view(request):
    if not has_any_scope(request.user, Action.VIEW):
        raise Http404


class ListPage(View):
    """A scoped, filtered, paged list; ``?export=xlsx`` downloads the same rows (EXPORT scope)."""

    template_name = ""
    filterset_class = None
    title = ""
    headers: tuple = ()

    def queryset(self, user):  # pragma: no cover - abstract
        raise NotImplementedError

    def row(self, obj) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def get(self, request):
        _require_view(request)
        export = request.GET.get("export") == "xlsx"
        if export and not has_any_scope(request.user, Action.EXPORT):
            raise Http404
        data = request.GET.copy()
        data.pop("export", None)
        data.pop("page", None)
        filterset, rows = filter_list(request, self.filterset_class, self.queryset(request.user), data=data)
        if export:
            scoped = rows.model.objects.for_user(request.user, Action.EXPORT).values("pk")
            body = [self.row(o) for o in rows.filter(pk__in=scoped)[:EXPORT_MAX]]
            return export_xlsx(actor=request.user, action=f"governance.{rows.model._meta.model_name}.export",
                               sheets=[(str(self.title)[:30], [str(h) for h in self.headers], body)],
                               filename=f"{rows.model._meta.model_name}.xlsx", model=rows.model,
                               filters={k: v for k, v in data.items()})
        page = page_of(request, rows)
        return render(request, self.template_name, {"form": filterset.form, "page": page, "title": self.title,
                                                    "can_export": has_any_scope(request.user, Action.EXPORT),
                                                    "can_change": has_any_scope(request.user, Action.CHANGE),
                                                    "query": data.urlencode()})


class TopicList(ListPage):
    template_name = "governance/topic_list.html"
    filterset_class = TopicFilter
    title = _("Topics")

    @property
    def headers(self):
        return (_("Raised on"), _("Unit"), _("Title"), _("Source"), _("State"))

    def queryset(self, user):
        return selectors.topic_list(user=user)

    def row(self, t):
        return [t.raised_on, t.unit.name, t.title, t.get_source_display(), t.get_state_display()]


class MeetingList(ListPage):
    template_name = "governance/meeting_list.html"
    filterset_class = MeetingFilter
    title = _("Deliberation meetings")

    @property
    def headers(self):
        return (_("Date"), _("Convened by"), _("Title"), _("State"), _("Topics"), _("Adopted"))

    def queryset(self, user):
        return selectors.meeting_list(user=user)

    def row(self, m):
        return [m.held_on, m.unit.name, m.title, m.get_state_display(), m.topic_count, m.adopted_count]


class SocialOrgList(ListPage):
    template_name = "governance/social_org_list.html"
    filterset_class = SocialOrgFilter
    title = _("Social organisations")

    @property
    def headers(self):
        return (_("Community"), _("Name"), _("Field"), _("Leader"), _("Party member"), _("Filing status"),
                _("Incubation stage"), _("Since"), _("Party organisation"), _("Instructor"))

    def queryset(self, user):
        return selectors.social_org_list(user=user)

    def row(self, o):
        return [o.unit.name, o.name, o.get_field_display(), o.leader_name, bool(o.leader_member_id),
                o.get_filing_status_display(), o.get_stage_display(), o.stage_since, bool(o.party_org_id),
                bool(o.has_instructor)]


class PostingList(ListPage):
    template_name = "governance/posting_list.html"
    filterset_class = PostingFilter
    title = _("Instructor and liaison postings")

    @property
    def headers(self):
        return (_("Role"), _("Name"), _("Posted by"), _("Posted to"), _("From"), _("To"))

    def queryset(self, user):
        return selectors.posting_list(user=user)

    def row(self, p):
        return [p.get_role_display(), p.person_name, p.unit.name, str(p.target), p.started_on, p.ended_on]


class FloatingList(ListPage):
    template_name = "governance/floating_list.html"
    filterset_class = FloatingFilter
    title = _("Floating members")

    @property
    def headers(self):
        return (_("Member"), _("Origin"), _("Destination"), _("Left on"), _("Reported"), _("Registered"),
                _("Task claimed"))

    def queryset(self, user):
        return selectors.floating_list(user=user)

    def row(self, f):
        return [f.member.name, f.origin_unit.name, f.destination_unit.name if f.destination_unit_id
                else f.destination_place, f.left_on, f.reported_on, f.registered_on, f.task]


# -- topics -----------------------------------------------------------------------------------------

class TopicDetail(View):
    def get(self, request, pk):
        topic = selectors.topic_get(user=request.user, pk=pk)
        return render(request, "governance/topic_detail.html", {
            "topic": topic, "events": list(topic.events.all()), "items": list(topic.agenda_items.all()),
            "works": list(topic.work_items.all()),
            "can_change": unit_in_scope(request.user, Action.CHANGE, topic.unit),
            "update_form": WorkUpdateForm(), "follow_form": FollowUpForm(),
        })


class TopicRaise(View):
    """Raise a topic; ``?visit=<id>`` or ``?case=<id>`` carries that record's text and unit (one click)."""

    def _source(self, request, data):
        visit = case = None
        if data.get("visit"):
            visit = get_object_for_user(VisitRecord.objects.select_related("place"), request.user, Action.VIEW,
                                        pk=data["visit"])
        elif data.get("case"):
            case = get_object_for_user(Case.objects.select_related("unit"), request.user, Action.VIEW,
                                       pk=data["case"])
        return visit, case

    def get(self, request):
        if not has_any_scope(request.user, Action.CHANGE):
            raise Http404
        visit, case = self._source(request, request.GET)
        initial = {}
        if visit:
            initial = {"visit": visit.pk, "unit": visit.place_id, "title": visit.heard[:40], "description": visit.heard}
        elif case:
            initial = {"case": case.pk, "unit": case.unit_id, "title": case.title, "description": case.description}
        form = TopicRaiseForm(user=request.user, initial=initial)
        return render(request, "governance/topic_form.html", {"form": form, "visit": visit, "case": case})

    def post(self, request):
        if not has_any_scope(request.user, Action.CHANGE):
            raise Http404
        form = TopicRaiseForm(request.POST, user=request.user)
        visit = case = None
        if form.is_valid():
            visit, case = self._source(request, form.cleaned_data)
            data = form.cleaned_data
            topic = run_service(form, services.topic_raise, actor=request.user, source=form.source, visit=visit,
                                case=case, unit=data["unit"], title=data["title"], description=data["description"],
                                proposer=data["proposer"])
            if topic is not None:
                messages.success(request, _("Topic raised."))
                return redirect("governance:topic_detail", pk=topic.pk)
        return render(request, "governance/topic_form.html", {"form": form, "visit": visit, "case": case}, status=400)


# -- meetings ---------------------------------------------------------------------------------------

class MeetingCreate(View):
    def get(self, request):
        if not has_any_scope(request.user, Action.CHANGE):
            raise Http404
        return render(request, "governance/meeting_form.html", {"form": MeetingForm(user=request.user)})

    def post(self, request):
        if not has_any_scope(request.user, Action.CHANGE):
            raise Http404
        form = MeetingForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            meeting = run_service(form, services.meeting_create, actor=request.user, unit=data["unit"],
                                  title=data["title"], held_on=data["held_on"], place=data["place"],
                                  participants=form.participants(), topics=data["topics"])
            if meeting is not None:
                messages.success(request, _("Meeting convened."))
                return redirect("governance:meeting_detail", pk=meeting.pk)
        return render(request, "governance/meeting_form.html", {"form": form}, status=400)


def _meeting_page(request, meeting, *, record_form=None, failed_item=None, failed_form=None, status=200):
    can_change = unit_in_scope(request.user, Action.CHANGE, meeting.unit)
    items = []
    for item in meeting.items.all():
        work = getattr(item, "work", None) if item.outcome in ADOPTED_OUTCOMES else None
        resolve_form = failed_form if failed_item == ("resolve", item.pk) else ResolutionForm(prefix=f"r{item.pk}")
        implement_form = None
        if can_change and item.outcome in ADOPTED_OUTCOMES and work is None:
            implement_form = (failed_form if failed_item == ("implement", item.pk)
                              else ImplementForm(user=request.user, unit=meeting.unit, prefix=f"i{item.pk}"))
        items.append({"item": item, "work": work, "resolve_form": resolve_form, "implement_form": implement_form})
    return render(request, "governance/meeting_detail.html", {
        "meeting": meeting, "items": items, "participants": list(meeting.participants.all()),
        "can_change": can_change, "held": meeting.state == MeetingState.HELD,
        "record_form": record_form or MeetingRecordForm(meeting=meeting),
    }, status=status)


class MeetingDetail(View):
    def get(self, request, pk):
        return _meeting_page(request, selectors.meeting_get(user=request.user, pk=pk))


class MeetingRecord(View):
    def post(self, request, pk):
        meeting = selectors.meeting_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = MeetingRecordForm(request.POST, meeting=meeting)
        if form.is_valid() and run_service(form, services.meeting_record, actor=request.user, meeting=meeting,
                                           minutes=form.cleaned_data["minutes"],
                                           absent=list(form.cleaned_data["absent"])) is not None:
            messages.success(request, _("Meeting recorded."))
            return redirect("governance:meeting_detail", pk=meeting.pk)
        return _meeting_page(request, meeting, record_form=form, status=400)


class ResolutionRecord(View):
    def post(self, request, pk):
        item = get_object_for_user(AgendaItem.objects.select_related("meeting__unit"), request.user, Action.CHANGE,
                                   pk=pk)
        form = ResolutionForm(request.POST, prefix=f"r{item.pk}")
        if form.is_valid() and run_service(form, services.resolution_record, actor=request.user, item=item,
                                           **form.cleaned_data) is not None:
            messages.success(request, _("Resolution recorded."))
            return redirect("governance:meeting_detail", pk=item.meeting_id)
        meeting = selectors.meeting_get(user=request.user, pk=item.meeting_id)
        return _meeting_page(request, meeting, failed_item=("resolve", item.pk), failed_form=form, status=400)


class WorkCreate(View):
    def post(self, request, pk):
        item = get_object_for_user(AgendaItem.objects.select_related("meeting__unit"), request.user, Action.CHANGE,
                                   pk=pk)
        form = ImplementForm(request.POST, user=request.user, unit=item.meeting.unit, prefix=f"i{item.pk}")
        work = None
        if form.is_valid():
            data = form.cleaned_data
            if data["kind"] == WorkKind.CASE:
                work = run_service(form, services.work_create_case, actor=request.user, item=item,
                                   kind=data["case_kind"], category=data["category"])
            else:
                work = run_service(form, services.work_create_task, actor=request.user, item=item, task=data["task"],
                                   due_on=data["due_on"], **form.assignee_kwargs())
        if work is not None:
            messages.success(request, _("Implementation started."))
            return redirect("governance:topic_detail", pk=item.topic_id)
        meeting = selectors.meeting_get(user=request.user, pk=item.meeting_id)
        return _meeting_page(request, meeting, failed_item=("implement", item.pk), failed_form=form, status=400)


class WorkUpdate(View):
    def post(self, request, pk):
        work = selectors.work_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = WorkUpdateForm(request.POST)
        if form.is_valid() and run_service(form, services.work_update, actor=request.user, work=work,
                                           **form.cleaned_data) is not None:
            messages.success(request, _("Progress saved."))
        else:
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("governance:topic_detail", args=[work.topic_id]))


class FollowUpRecord(View):
    def post(self, request, pk):
        work = selectors.work_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = FollowUpForm(request.POST)
        if form.is_valid() and run_service(form, services.follow_up_record, actor=request.user, work=work,
                                           **form.cleaned_data) is not None:
            messages.success(request, _("Follow-up recorded."))
        else:
            messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("governance:topic_detail", args=[work.topic_id]))

