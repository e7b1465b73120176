"""Shared model plumbing of the work system."""
from django.db import models


def choice_check(field: str, choices, name: str, allow_blank: bool = False) -> models.CheckConstraint:
    values = list(choices.values)
    if allow_blank and "" not in values:
        values.append("")
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)
