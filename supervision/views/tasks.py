"""Responsibility and task lists 责任清单 / 任务清单: areas and key tasks per year, assignment letters
交办书 with their progress reports, overdue computed; each task and letter shows its chain of
notices and interviews."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, run_service
from org.models import OrgUnit

from .. import selectors, services
from ..choices import LetterState
from ..filtersets import KeyTaskFilter, LetterFilter
from ..forms import KeyTaskForm, LetterIssueForm, ProgressReportForm, TaskAreaForm
from ..models import AccountabilityInterview, AssignmentLetter, Finding, KeyTask, SupervisionNotice, TaskArea
from .common import resolve_target, targets_for


def _year(request, user) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    if 2000 <= year <= 2100:
        return year
    latest = (KeyTask.objects.for_user(user).aggregate(y=Max("year"))["y"]
              or AssignmentLetter.objects.for_user(user).aggregate(y=Max("year"))["y"])
    return latest or timezone.localdate().year


def _list_keeper(user):
    """The district root whose task list ``user`` may extend (CHANGE over it), else None."""
    return OrgUnit.objects.for_user(user, Action.CHANGE).filter(parent__isnull=True).order_by("tree_id").first()


def _next_number(rows) -> int:
    return max((r.number for r in rows), default=0) + 1


class KeyTaskListView(View):
    """A year's areas and key tasks (letters and overdue letters counted) and the letters in scope;
    the district adds areas and key tasks here (POST ``form=area`` or ``form=task``)."""

    template_name = "supervision/task_list.html"

    def post(self, request):
        user = request.user
        keeper = _list_keeper(user)
        if keeper is None:
            raise Http404
        year = _year(request, user)
        areas = list(TaskArea.objects.for_user(user, Action.CHANGE).filter(owner=keeper, year=year)
                     .order_by("number"))
        if request.POST.get("form") == "task":
            form = KeyTaskForm(request.POST, prefix="task", areas=areas)
            if form.is_valid():
                data = dict(form.cleaned_data)
                area_id = data.pop("area")
                area = next(a for a in areas if a.pk == area_id)
                done = run_service(form, services.key_task_create, actor=user, area=area, **data)
            else:
                done = None
            rerender = {"task_form": form}
        else:
            form = TaskAreaForm(request.POST, prefix="area")
            done = form.is_valid() and run_service(form, services.task_area_create, actor=user, owner=keeper,
                                                   year=year, **form.cleaned_data)
            rerender = {"area_form": form}
        if done:
            messages.success(request, _("Saved."))
            return redirect(reverse("supervision:task_list") + f"?year={year}")
        return self.get(request, **rerender)

    def get(self, request, area_form=None, task_form=None):
        user = request.user
        year = _year(request, user)
        today = timezone.localdate()
        areas = list(TaskArea.objects.for_user(user).filter(year=year).order_by("number"))
        params = request.GET.copy()
        params["year"] = str(year)  # the page shows one year: the asked one, else the latest
        _tasks, tasks = filter_list(request, KeyTaskFilter, selectors.key_task_list(user=user), data=params)
        tasks = list(tasks.annotate(
            overdue_letters=Count("letters", filter=~Q(letters__state=LetterState.COMPLETED)
                                  & Q(letters__deadline__lt=today)),
            completed_letters=Count("letters", filter=Q(letters__state=LetterState.COMPLETED)),
        ))
        by_area = {a.pk: [] for a in areas}
        for task in tasks:
            by_area.setdefault(task.area_id, []).append(task)
        for area in areas:
            area.task_rows = by_area.get(area.pk, [])
        filterset, letters = filter_list(request, LetterFilter, selectors.assignment_letter_list(user=user),
                                         data=params)
        letters = list(letters)
        ctx = {"year": year, "areas": areas, "tasks": tasks, "letters": letters, "form": filterset.form,
               "overdue_count": sum(1 for letter in letters if letter.is_overdue)}
        keeper = _list_keeper(user)
        if keeper is not None:
            own = [a for a in areas if a.owner_id == keeper.pk]
            ctx["area_form"] = area_form or TaskAreaForm(prefix="area", initial={"number": _next_number(own)})
            ctx["task_form"] = task_form or (KeyTaskForm(prefix="task", areas=own, initial={
                "number": _next_number([t for t in tasks if t.owner_id == keeper.pk])}) if own else None)
        status = 200 if area_form is None and task_form is None else 400
        return render(request, self.template_name, ctx, status=status)


def _chain_for_task(user, task):
    notices = list(SupervisionNotice.objects.for_user(user).filter(
        Q(key_task=task) | Q(letter__task=task) | Q(finding__key_task=task)
    ).select_related("letter", "unit", "department").order_by("period", "id"))
    interviews = list(AccountabilityInterview.objects.for_user(user).filter(
        Q(key_task=task) | Q(letter__task=task) | Q(finding__key_task=task) | Q(notice__letter__task=task)
    ).select_related("notice", "letter", "unit", "department").order_by("held_on", "id"))
    return notices, interviews


class KeyTaskDetailView(View):
    """A key task: its letters (lead/support, deadline, state, overdue), the notices and interviews
    they led to, the inspection findings against it; district staff issue letters here."""

    template_name = "supervision/task_detail.html"

    def context(self, request, task, issue_form=None):
        user = request.user
        letters = list(AssignmentLetter.objects.for_user(user).with_overdue().filter(task=task)
                       .select_related("unit", "department").order_by("seq"))
        notices, interviews = _chain_for_task(user, task)
        by_letter = {}
        for n in notices:
            by_letter.setdefault(n.letter_id, {"notices": [], "interviews": []})["notices"].append(n)
        for i in interviews:
            key = i.letter_id or (i.notice.letter_id if i.notice_id else None)
            by_letter.setdefault(key, {"notices": [], "interviews": []})["interviews"].append(i)
        for letter in letters:
            chain = by_letter.get(letter.pk, {})
            letter.chain_notices = chain.get("notices", [])
            letter.chain_interviews = chain.get("interviews", [])
        can_issue = unit_in_scope(user, Action.CHANGE, unit=task.owner)
        targets = targets_for(user, Action.CHANGE) if can_issue else []
        return {"task": task, "letters": letters, "notices": notices, "interviews": interviews,
                "other": by_letter.get(None, {"notices": [], "interviews": []}),
                "findings": list(Finding.objects.for_user(user).filter(key_task=task)
                                 .select_related("inspection", "unit", "department")),
                "issue_form": issue_form or (LetterIssueForm(targets=targets, initial={"deadline": task.deadline})
                                             if can_issue else None)}

    def get(self, request, pk):
        task = get_object_for_user(KeyTask.objects.select_related("area", "owner"), request.user, Action.VIEW, pk=pk)
        return render(request, self.template_name, self.context(request, task))


class LetterIssueView(View):
    """POST: issue an assignment letter for a key task to a street or a district department."""

    def post(self, request, pk):
        user = request.user
        task = get_object_for_user(KeyTask.objects.select_related("area", "owner"), user, Action.CHANGE, pk=pk)
        targets = targets_for(user, Action.CHANGE)
        form = LetterIssueForm(request.POST, targets=targets)
        if form.is_valid():
            unit, department = resolve_target(form.cleaned_data["target"], user, Action.CHANGE)
            data = form.cleaned_data
            letter = run_service(form, services.assignment_letter_issue, actor=user, task=task, unit=unit,
                                 department=department, role=data["role"], issued_on=data["issued_on"],
                                 deadline=data["deadline"], requirements=data["requirements"])
            if letter is not None:
                messages.success(request, _("Assignment letter %(number)s was issued.") % {"number": letter.number})
                return redirect("supervision:letter_detail", pk=letter.pk)
        view = KeyTaskDetailView()
        return render(request, view.template_name, view.context(request, task, issue_form=form), status=400)


class LetterDetailView(View):
    """A letter: task, assignee, deadline, state and overdue, progress reports, and the notices and
    interviews that followed it; the assignee reports progress here."""

    template_name = "supervision/letter_detail.html"

    def context(self, request, letter, report_form=None):
        user = request.user
        chain = selectors.letter_chain(letter=letter)
        can_report = letter.state != LetterState.COMPLETED and unit_in_scope(
            user, Action.RECORD, unit=letter.unit, department_id=letter.department_id)
        return {"letter": letter, "chain": chain,
                "reports": list(letter.reports.select_related("reported_by").order_by("reported_on", "id")),
                "report_form": report_form or (ProgressReportForm() if can_report else None)}

    def get(self, request, pk):
        letter = selectors.assignment_letter_get(user=request.user, pk=pk)
        return render(request, self.template_name, self.context(request, letter))


class ProgressReportCreateView(View):
    def post(self, request, pk):
        user = request.user
        letter = selectors.assignment_letter_get(user=user, pk=pk, action=Action.RECORD)
        form = ProgressReportForm(request.POST)
        if form.is_valid():
            report = run_service(form, services.progress_report_create, actor=user, letter=letter,
                                 **form.cleaned_data)
            if report is not None:
                messages.success(request, _("The progress report was saved."))
                return redirect("supervision:letter_detail", pk=letter.pk)
        view = LetterDetailView()
        return render(request, view.template_name, view.context(request, letter, report_form=form), status=400)
