"""Tree import pages: upload → preview (dry run) → confirm (all-or-nothing)."""
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exports import write_xlsx
from core.scoping import Action, ScopeDenied, has_any_scope
from core.uploads import drop_upload, stash_upload, stashed_upload

from .tree_import import COLUMNS, SAMPLE_ROW, STATUS_LABELS, tree_import

KIND = "org_tree"


class TreeImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (xlsx or csv)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > settings.IMPORT_MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext_lazy("The file is larger than %(mb)s MB.") % {"mb": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)}
            )
        if not f.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(gettext_lazy("Only .xlsx and .csv files can be imported."))
        return f


class _ImportAllowed(View):
    def dispatch(self, request, *args, **kwargs):
        if not has_any_scope(request.user, Action.IMPORT):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class OrgUnitImportView(_ImportAllowed):
    template_name = "org/import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": TreeImportForm()})

    def post(self, request):
        if "confirm" in request.POST:
            return self._confirm(request, request.POST.get("token", ""))
        form = TreeImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        token = stash_upload(request, form.cleaned_data["file"], KIND)
        entry = stashed_upload(request, token, KIND)
        result = tree_import(actor=request.user, source=entry["path"], filename=entry["name"], commit=False)
        if not result.ok:
            drop_upload(request, token)
            token = ""
        return render(
            request,
            self.template_name,
            {"form": TreeImportForm(), "result": result, "token": token, "filename": entry["name"],
             "status_labels": STATUS_LABELS},
            status=200 if result.ok else 400,
        )

    def _confirm(self, request, token):
        entry = stashed_upload(request, token, KIND)
        if entry is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("org:orgunit_import")
        try:
            result = tree_import(actor=request.user, source=entry["path"], filename=entry["name"], commit=True)
        except ScopeDenied:
            raise Http404
        finally:
            drop_upload(request, token)
        if not result.committed:
            return render(request, self.template_name,
                          {"form": TreeImportForm(), "result": result, "status_labels": STATUS_LABELS}, status=400)
        summary = result.summary()
        messages.success(request, _("Imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.") % summary)
        return redirect("org:orgunit_tree")


class OrgUnitImportTemplateView(_ImportAllowed):
    def get(self, request):
        data = write_xlsx(COLUMNS, [SAMPLE_ROW], sheet_title="组织架构")
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="org-tree-template.xlsx"'
        return response
