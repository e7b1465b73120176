"""Forms of the batch-transfer pages: a new batch (its source outside unit, document number, the unit that
runs it, and the list file) and the confirmation of a previewed one."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import Action

from ..choices import Level
from ..models import OrgUnit, OutsideUnit, TransferBatch
from .common import UnitChoiceField, clean_import_file


class OutsideUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class TransferBatchForm(forms.Form):
    """The batch's header. The source is an existing outside unit the user may pick (never typed in);
    the unit that runs it is one the user may change, above the building level."""

    source = OutsideUnitChoiceField(label=_("Source unit"), queryset=OutsideUnit.objects.none())
    document_no = forms.CharField(label=_("Document number"), max_length=64)
    registered_at = UnitChoiceField(label=_("Run by"), queryset=OrgUnit.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from ..selectors import outside_unit_choices

        self.fields["source"].queryset = outside_unit_choices(user=user)
        self.fields["registered_at"].queryset = OrgUnit.objects.for_user(user, Action.CHANGE).filter(
            level__lt=Level.BUILDING).order_by("tree_id", "lft")

    def clean_document_no(self):
        return self.cleaned_data["document_no"].strip()

    def clean(self):
        data = super().clean()
        source, number = data.get("source"), data.get("document_no")
        if source and number and TransferBatch.objects.filter(source=source, document_no=number).exists():
            self.add_error("document_no", forms.ValidationError(
                _("This source unit already has a batch with this document number."), code="duplicate"))
        return data


class TransferBatchUploadForm(TransferBatchForm):
    """A new batch with its list (xlsx or csv; the size limit of every import)."""

    file = forms.FileField(label=_("List of members (xlsx or csv)"))

    def clean_file(self):
        return clean_import_file(self.cleaned_data["file"])
