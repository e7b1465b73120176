"""Shared model plumbing: the scoped manager that also knows department liaisons."""
from django.db import models

from core.scoping import Action, ScopedQuerySet


class SupervisionQuerySet(ScopedQuerySet):
    """``for_user`` = the tree scope of ``core.scoping`` OR-ed with the department part for liaisons.

    Models name their unit in ``scope_unit_path`` (tree part) and, when a district department can own
    them, the department in ``scope_department_path``. The rule lives in one place:
    ``supervision.selectors.scope_q_for``.
    """

    def for_user(self, user, action: str = Action.VIEW):
        from ..selectors import scope_q_for

        return self.filter(scope_q_for(self.model, user, action))


SupervisionManager = models.Manager.from_queryset(SupervisionQuerySet)


def choice_check(field: str, choices, name: str, allow_blank: bool = False) -> models.CheckConstraint:
    values = list(choices.values)
    if allow_blank and "" not in values:
        values.append("")
    return models.CheckConstraint(condition=models.Q(**{f"{field}__in": values}), name=name)
