"""Writes of the task list: areas, key tasks, assignment letters 交办书 and progress reports."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from core.audit import snapshot
from core.scoping import Action, get_object_for_user, in_subtree, require_scope
from org.choices import UnitKind
from org.models import OrgUnit

from ..choices import AssignmentRole, LetterState, NotificationKind
from ..models import AssignmentLetter, KeyTask, ProgressReport, TaskArea
from .common import audit, department_check, holder_users, not_blank, notify

LETTER_PREFIX = "苏党建交"


@transaction.atomic
def task_area_create(*, actor, owner: OrgUnit, year: int, number: int, name: str) -> TaskArea:
    owner = OrgUnit.objects.get(pk=owner.pk)
    require_scope(actor, Action.CHANGE, owner)
    area = TaskArea(owner=owner, year=year, number=number, name=not_blank(name, "name"))
    area.full_clean()
    area.save()
    audit(actor, "task_area.create", area)
    return area


@transaction.atomic
def key_task_create(*, actor, area: TaskArea, number: int, title: str, deadline: dt.date,
                    description: str = "") -> KeyTask:
    area = get_object_for_user(TaskArea, actor, Action.CHANGE, pk=area.pk)
    task = KeyTask(area=area, owner=area.owner, year=area.year, number=number, title=not_blank(title, "title"),
                   description=description, deadline=deadline)
    task.full_clean()
    task.save()
    audit(actor, "key_task.create", task)
    return task


@transaction.atomic
def assignment_letter_issue(*, actor, task: KeyTask, issued_on: dt.date, deadline: dt.date, unit: OrgUnit | None = None,
                            department=None, role: str = AssignmentRole.LEAD, requirements: str = "") -> AssignmentLetter:
    """Give a key task to a street or a district department; numbered within the year."""
    task = get_object_for_user(KeyTask.objects.select_related("owner"), actor, Action.CHANGE, pk=task.pk)
    # Serialise numbering: lock the row of the unit that keeps the list; (year, seq) is unique anyway.
    list(OrgUnit.objects.select_for_update().filter(pk=task.owner_id).values_list("pk"))
    if department is not None:
        department = department_check(department)
        unit = department.registered_at
    else:
        if unit is None:
            raise ValidationError({"unit": ValidationError(_("Choose a street or a district department."), code="required")})
        unit = OrgUnit.objects.get(pk=unit.pk)
        if unit.kind not in (UnitKind.STREET, UnitKind.TOWN):
            raise ValidationError({"unit": ValidationError(_("A letter goes to a street or a district department."), code="not_a_street")})
        if not in_subtree(unit, task.owner):
            raise ValidationError({"unit": ValidationError(_("The street is outside the task list's district."), code="outside")})
    seq = (AssignmentLetter.objects.filter(year=task.year).aggregate(m=Max("seq"))["m"] or 0) + 1
    letter = AssignmentLetter(task=task, year=task.year, seq=seq, number=f"{LETTER_PREFIX}〔{task.year}〕{seq}号",
                              unit=unit, department=department, role=role, issued_on=issued_on, deadline=deadline,
                              requirements=requirements)
    letter.full_clean()
    letter.save()
    require_scope(actor, Action.CHANGE, task.owner)
    audit(actor, "assignment_letter.issue", letter)
    notify(recipients=holder_users(unit_id=None if department else unit.pk,
                                   department_id=department.pk if department else None),
           kind=NotificationKind.LETTER, params={"number": letter.number, "task": task.title,
                                                 "deadline": deadline.isoformat()},
           link=reverse("supervision:letter_detail", args=[letter.pk]), unit=unit, dedupe_key=f"letter:{letter.pk}")
    return letter


@transaction.atomic
def progress_report_create(*, actor, letter: AssignmentLetter, reported_on: dt.date, percent: int, text: str,
                           completes: bool = False) -> ProgressReport:
    """A progress report by the assignee (street staff, or the department's liaison)."""
    letter = get_object_for_user(AssignmentLetter.objects.select_for_update(of=("self",)), actor, Action.RECORD,
                          pk=letter.pk)
    if letter.state == LetterState.COMPLETED:
        raise ValidationError({"letter": ValidationError(_("The task of this letter is already completed."), code="completed")})
    report = ProgressReport(letter=letter, reported_on=reported_on, reported_by=actor, percent=percent,
                            text=not_blank(text, "text"), completes=completes)
    report.full_clean()
    report.save()
    letter.state = LetterState.COMPLETED if completes else LetterState.IN_PROGRESS
    letter.completed_on = reported_on if completes else None
    letter.full_clean()
    letter.save(update_fields=["state", "completed_on", "updated_at"])
    audit(actor, "progress_report.create", report, after={**snapshot(report), "letter_state": letter.state})
    return report
