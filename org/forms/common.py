"""What the org forms share: the date widget, the blank choice, unit pickers limited to the user's scope,
the upload checks of an import file."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.scoping import Action

from ..choices import MEMBER_LEVELS
from ..models import OrgUnit

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def blank(choices):
    return [("", "---------"), *choices]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'· ' * max(obj.level - 1, 0)}{obj.name} ({obj.code})"


def member_unit_queryset(user, action: str = Action.CHANGE):
    """Units a user may place members in: in scope for ``action``, street level or below."""
    return OrgUnit.objects.for_user(user, action).filter(level__in=MEMBER_LEVELS).order_by("tree_id", "lft")


def clean_import_file(f):
    """An uploaded import file: not above ``IMPORT_MAX_FILE_BYTES``, xlsx or csv."""
    if f.size > settings.IMPORT_MAX_FILE_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)})
    if not f.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
    return f
