"""Figures of the work system (shared/figures.md, keys supervision.*), computed from records over the
unit's subtree. District-level records (the task list, letters to departments, the delegated-items
catalogue) are kept by the district root, so they count only when the unit is the district root."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from core.scoping import subtree_q

from .choices import DONE_STATES
from .models import AssignmentLetter, Case, DelegatedServiceItem, KeyTask, TaskArea


def compute(unit, year=None) -> dict:
    year = year or timezone.localdate().year
    year_end = dt.date(year, 12, 31)
    letters = AssignmentLetter.objects.filter(subtree_q(unit, "unit"), year=year)
    return {
        # cumulative: resolved (and followed-up) cases up to the end of the year
        "supervision.cases_resolved": Case.objects.filter(
            subtree_q(unit, "unit"), state__in=DONE_STATES, resolved_on__lte=year_end
        ).count(),
        # in force at the end of the year: withdrawn later still counts for that year
        "supervision.delegated_service_items": DelegatedServiceItem.objects.filter(
            Q(is_active=True) | Q(withdrawn_on__gt=year_end), subtree_q(unit, "owner"), delegated_on__lte=year_end
        ).count(),
        "supervision.key_tasks": KeyTask.objects.filter(subtree_q(unit, "owner"), year=year).count(),
        "supervision.task_areas": TaskArea.objects.filter(subtree_q(unit, "owner"), year=year).count(),
        "supervision.assigned_departments": letters.filter(department__isnull=False)
        .values("department").distinct().count(),
        "supervision.assigned_streets": letters.filter(Q(department__isnull=True))
        .values("unit").distinct().count(),
    }
