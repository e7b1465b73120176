"""What the org API shares: relation fields limited to the caller's scope (others look like missing ids)."""
from __future__ import annotations

from rest_framework import serializers

from core.scoping import Action

from .. import selectors
from ..models import Member, OrgUnit


class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id the requesting user may use for ``action``; others look exactly like missing ids."""

    def __init__(self, *, scope_action=Action.CHANGE, **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context["request"]
        return OrgUnit.objects.for_user(request.user, self.scope_action)


class ScopedMemberField(serializers.PrimaryKeyRelatedField):
    def __init__(self, *, scope_action=Action.CHANGE, **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        return Member.objects.for_user(self.context["request"].user, self.scope_action)


class OutsideUnitChoiceField(serializers.PrimaryKeyRelatedField):
    """An outside unit the requesting user may pick (``outside_unit_choices``)."""

    def get_queryset(self):
        return selectors.outside_unit_choices(user=self.context["request"].user)
