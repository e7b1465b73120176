"""Shared model plumbing of the governance system."""
from django.db import models
from django.db.models import Q


def choice_check(field: str, choices, name: str, allow_blank: bool = False) -> models.CheckConstraint:
    values = list(choices.values)
    if allow_blank and "" not in values:
        values.append("")
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


def current_q(day, start: str = "started_on", end: str = "ended_on") -> Q:
    """Rows valid on ``day``: started on or before it, not ended before it."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))
