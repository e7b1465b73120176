"""Forms of the import pages (the tree, the roster): the file, and for the roster the unit it goes into."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import Action

from ..choices import Level
from ..models import OrgUnit
from .common import UnitChoiceField, clean_import_file


class TreeImportForm(forms.Form):
    file = forms.FileField(label=_("File (xlsx or csv)"))

    def clean_file(self):
        return clean_import_file(self.cleaned_data["file"])


class RosterImportForm(TreeImportForm):
    """The roster file and the unit whose subtree the import covers (codes resolve only inside it)."""

    unit = UnitChoiceField(label=_("Import into (with its subtree)"), queryset=OrgUnit.objects.none())
    field_order = ["unit", "file"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ..imports import default_scope_unit

        self.fields["unit"].queryset = OrgUnit.objects.for_user(user, Action.IMPORT).filter(
            level__lt=Level.BUILDING).order_by("tree_id", "lft")
        if not self.is_bound:
            self.fields["unit"].initial = default_scope_unit(user)
