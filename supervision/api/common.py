"""What the work-system API's viewsets share: unit and department fields resolved in scope."""
from __future__ import annotations

from rest_framework import serializers

from core.scoping import Action
from org.models import OrgUnit

from ..forms import department_queryset


class TreeUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id in the caller's supervision tree scope for ``scope_action``; others look missing."""

    def __init__(self, *, scope_action=Action.RECORD, **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        return OrgUnit.objects.for_user(self.context["request"].user, self.scope_action)


class DepartmentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return department_queryset()
