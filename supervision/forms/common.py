"""What the forms of the work system share: widgets, the department and unit fields, the yes/no choice.

Units and departments arrive as ids (or codes) and are resolved through the user's scope: an id
outside scope is refused exactly like a missing one.
"""
from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from org.models import OutsideUnit, OutsideUnitKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "---------")]
YES_NO = [("1", _("Yes")), ("0", _("No"))]
MONTH = r"^\d{4}-\d{2}$"
QUARTER = r"^\d{4}-Q[1-4]$"


def chips(**attrs):
    """Radio buttons drawn as big tappable chips (see ``.chips`` in suxian.css)."""
    return forms.RadioSelect(attrs={"class": "chips", **attrs})


def department_queryset():
    return OutsideUnit.objects.filter(kind=OutsideUnitKind.DISTRICT_DEPARTMENT, is_active=True).order_by("code")


class FetchedChoiceIterator(ModelChoiceIterator):
    """The options in one plain query, instead of ``QuerySet.iterator()`` (on PostgreSQL a server-side
    cursor: three round trips for a few dozen rows)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class DepartmentChoiceField(forms.ModelChoiceField):
    """A district department, shown by its name; the queryset is the caller's."""

    iterator = FetchedChoiceIterator

    def label_from_instance(self, obj):
        return obj.name


class DepartmentField(DepartmentChoiceField):
    """Any active district department (optional)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("District department"))
        super().__init__(queryset=department_queryset(), **kwargs)


class YesNoField(forms.ChoiceField):
    """All / yes / no (``1``, ``0``; the API also says ``true``, ``false``); cleans to True, False or None."""

    ALIASES = {"true": "1", "false": "0"}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("choices", [("", _("All"))] + YES_NO)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.ALIASES.get(value.lower(), value)

    def clean(self, value):
        return {"1": True, "0": False}.get(super().clean(value))


class AnyChoiceField(forms.ChoiceField):
    """A choice list for convenience; any value is accepted and resolved (in scope) by the view."""

    def valid_value(self, value):
        return True


class AnyIntChoiceField(forms.TypedChoiceField):
    """A choice list for convenience; any integer is accepted and resolved (in scope) by the view."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)

    def valid_value(self, value):
        return True


class PeriodField(forms.RegexField):
    def __init__(self, pattern: str, **kwargs):
        super().__init__(regex=pattern, max_length=10, **kwargs)
