"""Pages of the governance system: thin (fetch in scope → bind a form → ``run_service`` → redirect).
Phone-first for secretaries: raise a topic from a visit, record a meeting and its resolutions,
update an implementation. Lists take the FilterSets and export xlsx (audited)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, ScopeDenied, get_object_for_user, has_any_scope, unit_in_scope
from core.web import export_xlsx, filter_list, page_of, run_service
from supervision.models import Case, VisitRecord

from . import selectors, services
from .choices import ADOPTED_OUTCOMES, MeetingState, WorkKind
from .filtersets import CommitteeFilter, FloatingFilter, MeetingFilter, PostingFilter, SocialOrgFilter, TopicFilter
from .forms import (
    CompetitionForm,
    EntryForm,
    FollowUpForm,
    ImplementForm,
    MeetingForm,
    MeetingRecordForm,
    PostingForm,
    ResolutionForm,
    ScoreForm,
    SeatForm,
    SocialOrgImportForm,
    TopicRaiseForm,
    WorkUpdateForm,
)
from .imports import import_units
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
                                                    "can_import": has_any_scope(request.user, Action.IMPORT),
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



# -- competitions 党建大比武: no ranking page, no running points ---------------------------------------------

class CompetitionList(View):
    def get(self, request):
        _require_view(request)
        page = page_of(request, selectors.competition_list(user=request.user))
        can_create = CompetitionForm(user=request.user).fields["unit"].queryset.exists()
        return render(request, "governance/competition_list.html", {"page": page, "can_create": can_create})


class CompetitionCreate(View):
    def _form(self, request, data=None):
        form = CompetitionForm(data, user=request.user)
        if not form.fields["unit"].queryset.exists():
            raise Http404
        return form

    def get(self, request):
        return render(request, "governance/competition_form.html", {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            competition = run_service(form, services.competition_create, actor=request.user, unit=d["unit"],
                                      year=d["year"], round_no=d["round"], title=d["title"], criteria=d["criteria"],
                                      judges=list(d["judges"]))
            if competition is not None:
                messages.success(request, _("Competition set up."))
                return redirect("governance:competition_detail", pk=competition.pk)
        return render(request, "governance/competition_form.html", {"form": form}, status=400)


def _competition_page(request, competition, *, entry_form=None, status=200):
    user = request.user
    staff = unit_in_scope(user, Action.VIEW, competition.unit)
    criteria = list(competition.criteria.all())
    judge = services.is_judge(user, competition)
    entries = list(competition.entries.select_related("unit", "entrant").prefetch_related("scores")
                   .order_by("unit__tree_id", "unit__lft"))
    rows = []
    for entry in entries:
        mine = entry.entrant_id == user.pk
        if not (staff or judge or mine):
            continue
        row = {"entry": entry, "mine": mine}
        if staff:  # the computed result: district staff only (entrants see their own grade once published)
            row["result"] = services.entry_result(entry, criteria, entry.scores.all())
        if judge:
            row["scored"] = any(s.judge_id == user.pk for s in entry.scores.all())
        rows.append(row)
    if entry_form is None and not competition.is_published:
        entry_form = EntryForm(user=user, competition=competition)
    if entry_form is not None and not entry_form.fields["unit"].queryset.exists():
        entry_form = None
    return render(request, "governance/competition_detail.html", {
        "competition": competition, "criteria": criteria, "rows": rows, "staff": staff, "judge": judge,
        "can_publish": not competition.is_published and unit_in_scope(user, Action.CHANGE, competition.unit),
        "entry_form": entry_form,
        "judge_count": len(competition.judges.all()),
    }, status=status)


class CompetitionDetail(View):
    def get(self, request, pk):
        return _competition_page(request, selectors.competition_get(user=request.user, pk=pk))


class EntrySubmit(View):
    def post(self, request, pk):
        competition = selectors.competition_get(user=request.user, pk=pk)
        form = EntryForm(request.POST, user=request.user, competition=competition)
        if not form.fields["unit"].queryset.exists():
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            entry = run_service(form, services.entry_submit, actor=request.user, competition=competition,
                                unit=d["unit"], title=d["title"], summary=d["summary"])
            if entry is not None:
                messages.success(request, _("Entry submitted."))
                return redirect("governance:competition_detail", pk=competition.pk)
        return _competition_page(request, competition, entry_form=form, status=400)


class ScoreEntry(View):
    def _page(self, request, entry, form, status=200):
        return render(request, "governance/score_form.html", {"entry": entry, "form": form}, status=status)

    def get(self, request, pk):
        entry = selectors.entry_get_for_judge(user=request.user, pk=pk)
        mine = {s.criterion_id: s.value for s in entry.scores.filter(judge=request.user)}
        form = ScoreForm(criteria=entry.competition.criteria.all(),
                         initial={f"c{k}": v for k, v in mine.items()})
        return self._page(request, entry, form)

    def post(self, request, pk):
        entry = selectors.entry_get_for_judge(user=request.user, pk=pk)
        form = ScoreForm(request.POST, criteria=entry.competition.criteria.all())
        if form.is_valid() and run_service(form, services.score_record, actor=request.user, entry=entry,
                                           values=form.values()) is not None:
            messages.success(request, _("Scores saved."))
            return redirect("governance:competition_detail", pk=entry.competition_id)
        return self._page(request, entry, form, status=400)


class CompetitionPublish(View):
    def post(self, request, pk):
        competition = selectors.competition_get(user=request.user, pk=pk)
        if not unit_in_scope(request.user, Action.CHANGE, competition.unit):
            raise Http404
        try:
            services.competition_publish(actor=request.user, competition=competition)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return _competition_page(request, selectors.competition_get(user=request.user, pk=pk), status=400)
        messages.success(request, _("Grades published."))
        return redirect("governance:competition_detail", pk=competition.pk)


# -- import of the social-organisation register: upload → preview → confirm (all-or-nothing) -----------

class SocialOrgImport(View):
    template_name = "governance/social_org_import.html"

    def dispatch(self, request, *args, **kwargs):
        if not has_any_scope(request.user, Action.IMPORT):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": SocialOrgImportForm(user=request.user)})

    def post(self, request):
        from core.uploads import drop_upload, stash_upload, stashed_upload

        from .imports import KIND, social_org_import

        if "confirm" in request.POST:
            token = request.POST.get("token", "")
            entry = stashed_upload(request, token, KIND)
            unit = import_units(request.user).filter(pk=(entry or {}).get("unit_id")).first() if entry else None
            if entry is None or unit is None:
                messages.error(request, _("The preview has expired; upload the file again."))
                return redirect("governance:social_org_import")
            try:
                result = social_org_import(actor=request.user, source=entry["path"], filename=entry["name"],
                                           unit=unit, commit=True)
            finally:
                drop_upload(request, token)
            if not result.committed:
                return render(request, self.template_name, {"form": SocialOrgImportForm(user=request.user),
                                                            "result": result}, status=400)
            messages.success(request, _("Imported %(count)s social organisations.") % {
                "count": result.summary()["new"]})
            return redirect("governance:social_org_list")
        form = SocialOrgImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        unit = form.cleaned_data["unit"]
        token = stash_upload(request, form.cleaned_data["file"], KIND)
        entry = stashed_upload(request, token, KIND)
        try:
            result = social_org_import(actor=request.user, source=entry["path"], filename=entry["name"], unit=unit)
        except ScopeDenied:
            drop_upload(request, token)
            raise Http404 from None
        if result.ok:
            pending = request.session["pending_imports"]
            pending[token]["unit_id"] = unit.pk
            request.session["pending_imports"] = pending
        else:
            drop_upload(request, token)
            token = ""
        return render(request, self.template_name, {"form": SocialOrgImportForm(user=request.user), "result": result,
                                                    "token": token, "filename": entry["name"], "unit": unit},
                      status=200 if result.ok else 400)


class SocialOrgImportTemplate(View):
    def get(self, request):
        from core.exports import write_xlsx
        from core.web import xlsx_response

        from .imports import COLUMNS, SAMPLE_ROW

        if not has_any_scope(request.user, Action.IMPORT):
            raise Http404
        return xlsx_response(write_xlsx(COLUMNS, [SAMPLE_ROW], sheet_title="社会组织台账"),
                             "social-organisations-template.xlsx")


# -- committees and their seats; postings: a party member picked by ID number or mobile in scope -------

class CommitteeList(ListPage):
    template_name = "governance/committee_list.html"
    filterset_class = CommitteeFilter
    title = _("Owners' and supervisory committees")

    @property
    def headers(self):
        return (_("Compound or community"), _("Kind"), _("Name"), _("Term from"), _("Term to"), _("Seats"),
                _("Party members"))

    def queryset(self, user):
        return selectors.committee_list(user=user)

    def row(self, c):
        return [c.unit.name, c.get_kind_display(), c.name, c.term_start, c.term_end, c.seat_count, c.party_seats]


def _committee_page(request, committee, form=None, status=200):
    can_change = unit_in_scope(request.user, Action.CHANGE, committee.unit)
    return render(request, "governance/committee_detail.html", {
        "committee": committee, "seats": committee.seats.select_related("member").order_by("ended_on", "role", "id"),
        "form": (form or SeatForm(user=request.user)) if can_change else None}, status=status)


class CommitteeDetail(View):
    def get(self, request, pk):
        return _committee_page(request, selectors.committee_get(user=request.user, pk=pk))


class SeatAdd(View):
    def post(self, request, pk):
        committee = selectors.committee_get(user=request.user, pk=pk, action=Action.CHANGE)
        form = SeatForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            seat = run_service(form, services.committee_seat_add, actor=request.user, committee=committee,
                               role=d["role"], member=d["member"], person_name=d["person_name"],
                               started_on=d["started_on"])
            if seat is not None:
                messages.success(request, _("Seat added."))
                return redirect("governance:committee_detail", pk=committee.pk)
        return _committee_page(request, committee, form, status=400)


class PostingCreate(View):
    def _form(self, request, data=None):
        form = PostingForm(data, user=request.user)
        if not form.fields["unit"].queryset.exists():
            raise Http404
        return form

    def get(self, request):
        return render(request, "governance/posting_form.html", {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            posting = run_service(form, services.posting_create, actor=request.user, unit=d["unit"], role=d["role"],
                                  started_on=d["started_on"], ended_on=d["ended_on"], member=d["member"],
                                  person_name=d["person_name"], home_unit=d["home_unit"],
                                  social_org=d["social_org"], new_domain_org=d["new_domain_org"])
            if posting is not None:
                messages.success(request, _("Posting recorded."))
                return redirect("governance:posting_list")
        return render(request, "governance/posting_form.html", {"form": form}, status=400)
