"""Forms of the unit pages: a unit's own fields, its move. They only parse input; the services validate
and write."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.concurrency import VersionField

from ..choices import LEVEL_OF_KIND, UnitKind
from ..models import OrgUnit
from ..services import UNIT_EDITABLE_FIELDS
from .common import DATE_WIDGET, blank


def kinds_at_level(level: int) -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in UnitKind if LEVEL_OF_KIND[kind] == level]


class OrgUnitForm(forms.Form):
    """The editable fields of a unit (labels and widgets from the model); ``kind`` limited to the level."""

    version = VersionField()

    def __init__(self, *args, level: int, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]  # a new unit has no version to compare
        self.fields.update(
            forms.fields_for_model(
                OrgUnit,
                fields=UNIT_EDITABLE_FIELDS,
                widgets={"party_org_founded": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 3})},
            )
        )
        self.fields["kind"].choices = kinds_at_level(level)
        if len(self.fields["kind"].choices) == 1:
            self.fields["kind"].initial = self.fields["kind"].choices[0][0]
        self.fields["code"].help_text = _("Unique in the whole district; letters, digits, '-' and '_'.")


class OrgUnitMoveForm(forms.Form):
    """The new parent: picked from a list of units the user may move into, or typed as a code."""

    MAX_CHOICES = 300

    new_parent = forms.TypedChoiceField(label=_("New parent unit"), required=False, coerce=int, empty_value=None)
    new_parent_code = forms.CharField(
        label=_("…or the new parent's code"), required=False, max_length=32,
        help_text=_("Use this when the unit you want is not in the list."),
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        targets = list(targets[: self.MAX_CHOICES])
        self.fields["new_parent"].choices = blank((t.pk, f"{t.name} ({t.code})") for t in targets)
        # A posted id that is not in the list is resolved by the view (404 when out of scope), so the
        # field accepts any integer instead of refusing it as "not a valid choice".
        self.fields["new_parent"].valid_value = lambda value: True

    def clean(self):
        data = super().clean()
        if not data.get("new_parent") and not (data.get("new_parent_code") or "").strip():
            raise ValidationError(_("Choose the new parent unit or enter its code."), code="required")
        return data
