"""The unit filter every app's lists share: ``unit`` is a unit code in the user's scope (an unknown
code and one outside scope are the same error, a 400 in the API), and the rows kept are those whose
unit, by any of the given paths, lies in that unit's subtree."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from .scoping import subtree_q, unit_model


class UnitCodeField(forms.ModelChoiceField):
    """A unit typed by its code, looked up in the queryset the caller gives (the user's scope): a code
    that does not exist and one outside scope are the same error. Drawn as a text input."""

    default_error_messages = {"invalid_choice": _("No unit with this code in your scope.")}

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("label", _("Unit code (with its subtree)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 32}))
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


def units_in_scope(request):
    """The units the request's user may view (the filter's choices)."""
    if request is None:
        return unit_model().objects.none()
    return unit_model().objects.for_user(request.user)


class UnitFilter(django_filters.ModelChoiceFilter):
    """``UnitFilter("unit")``, ``UnitFilter("term__community")``, ``UnitFilter("origin", "destination")``:
    the rows whose unit by any of the paths lies in the chosen unit's subtree."""

    field_class = UnitCodeField

    def __init__(self, *paths: str, **kwargs):
        self.paths = paths or (kwargs.pop("field_name", None) or "unit",)
        kwargs.setdefault("queryset", units_in_scope)
        kwargs.setdefault("label", _("Unit code (with its subtree)"))
        super().__init__(field_name=self.paths[0], **kwargs)

    @property
    def field(self):
        self.extra.pop("null_value", None)  # a text input has no "null" choice
        return super().field

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        q = Q(pk__in=[])
        for path in self.paths:
            q |= subtree_q(value, path)
        return qs.filter(q)
