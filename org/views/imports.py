"""Import pages: the tree and the member roster, each upload → preview (dry run) → confirm
(all-or-nothing); roster files above ``BACKGROUND_BYTES`` run in the background with a progress page;
the import history and its error reports."""
from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import write_xlsx
from core.scoping import Action, get_object_for_user
from core.spreadsheets import SpreadsheetError
from core.uploads import drop_upload, stash_upload, stashed_upload
from core.web import page_of, xlsx_response

from ..forms import RosterImportForm, TreeImportForm
from ..imports import roster_import, template_bytes
from ..models import ImportRecord, ImportState, OrgUnit
from ..tree_import import COLUMNS, SAMPLE_ROW, STATUS_LABELS, tree_import
from .common import ImportAllowed, run_action

TREE_KIND = "org_tree"
ROSTER_KIND = "org_roster"
# Roster files above this size are previewed and imported in the background with a progress display.
BACKGROUND_BYTES = getattr(settings, "ROSTER_IMPORT_BACKGROUND_BYTES", 512 * 1024)
RUNNING_STATES = (ImportState.QUEUED, ImportState.RUNNING)


def imported_message(counts: dict) -> str:
    return _("Imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.") % counts


# -- the tree ------------------------------------------------------------------------------------------

class OrgUnitImportView(ImportAllowed):
    template_name = "org/import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": TreeImportForm()})

    def post(self, request):
        if "confirm" in request.POST:
            return self._confirm(request, request.POST.get("token", ""))
        form = TreeImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        token = stash_upload(request, form.cleaned_data["file"], TREE_KIND)
        entry = stashed_upload(request, token, TREE_KIND)
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
        entry = stashed_upload(request, token, TREE_KIND)
        if entry is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("org:orgunit_import")
        try:
            result, _errors = run_action(tree_import, actor=request.user, source=entry["path"],
                                         filename=entry["name"], commit=True)
        finally:
            drop_upload(request, token)
        if not result.committed:
            return render(request, self.template_name,
                          {"form": TreeImportForm(), "result": result, "status_labels": STATUS_LABELS}, status=400)
        messages.success(request, imported_message(result.summary()))
        return redirect("org:orgunit_tree")


class OrgUnitImportTemplateView(ImportAllowed):
    def get(self, request):
        return xlsx_response(write_xlsx(COLUMNS, [SAMPLE_ROW], sheet_title="组织架构"), "org-tree-template.xlsx")


# -- the roster ----------------------------------------------------------------------------------------

def _errors_by_row(errors) -> dict:
    by_row = defaultdict(list)
    for e in errors:
        by_row[e.row].append(e.message)
    return dict(by_row)  # a plain dict: a template's ``.items`` on a defaultdict would create a key


def _enqueue(**kwargs):
    """Queue a background import (``roster_import_enqueue``): ``(record, "", 200)``, or ``(None, reason,
    status)`` when the queue is down (503) or the file is refused (400)."""
    from ..services.imports import ImportQueueUnavailable, roster_import_enqueue

    try:
        record, _errors = run_action(roster_import_enqueue, **kwargs)
    except ImportQueueUnavailable as exc:
        return None, str(exc), 503
    except SpreadsheetError as exc:
        return None, exc.message, 400
    return record, "", 200


class RosterImportView(ImportAllowed):
    """Upload → preview (each row's status and errors) → confirm (all-or-nothing). Files above
    ``BACKGROUND_BYTES`` are previewed in the background and followed on their import record's page."""

    template_name = "org/roster_import.html"

    def _render(self, request, form, status=200, **extra):
        return render(request, self.template_name, {"form": form, **extra}, status=status)

    def get(self, request):
        return self._render(request, RosterImportForm(user=request.user))

    def post(self, request):
        if "confirm" in request.POST:
            return self._confirm(request)
        form = RosterImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(request, form, status=400)
        unit, upload = form.cleaned_data["unit"], form.cleaned_data["file"]
        if upload.size > BACKGROUND_BYTES:
            record, reason, status = _enqueue(actor=request.user, content=upload.read(), filename=upload.name,
                                              unit=unit, dry_run=True)
            if record is None:
                form.add_error(None, reason)
                return self._render(request, form, status=status)
            return redirect("org:roster_import_record", pk=record.pk)
        token = stash_upload(request, upload, ROSTER_KIND)
        entry = stashed_upload(request, token, ROSTER_KIND)
        result = None
        try:
            result, _errors = run_action(roster_import, actor=request.user, source=entry["path"],
                                         filename=entry["name"], unit=unit, dry_run=True)
        finally:
            if result is None or not result.ok:
                drop_upload(request, token)
                token = ""
        return self._render(request, RosterImportForm(user=request.user, initial={"unit": unit}),
                            status=200 if result.ok else 400, result=result, token=token, unit=unit,
                            filename=entry["name"], row_errors=_errors_by_row(result.errors))

    def _confirm(self, request):
        token = request.POST.get("token", "")
        entry = stashed_upload(request, token, ROSTER_KIND)
        if entry is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("org:roster_import")
        unit = get_object_for_user(OrgUnit, request.user, Action.IMPORT, pk=request.POST.get("unit") or 0)
        try:
            result, _errors = run_action(roster_import, actor=request.user, source=entry["path"],
                                         filename=entry["name"], unit=unit, dry_run=False)
        finally:
            drop_upload(request, token)
        if not result.ok:
            form = RosterImportForm(user=request.user, initial={"unit": unit})
            return self._render(request, form, status=400, result=result, unit=unit, filename=entry["name"],
                                row_errors=_errors_by_row(result.errors))
        messages.success(request, imported_message(
            {"new": result.created, "update": result.updated, "unchanged": result.skipped}))
        return redirect(reverse("org:member_list") + f"?unit={unit.code}")


class RosterImportTemplateView(ImportAllowed):
    def get(self, request):
        return xlsx_response(template_bytes(), "roster-template.xlsx")


def _import_record(request, pk) -> ImportRecord:
    return get_object_for_user(ImportRecord.objects.select_related("unit", "created_by"), request.user,
                               Action.IMPORT, pk=pk)


class RosterImportListView(ImportAllowed):
    """The import history: records of imports into units within the user's IMPORT scope."""

    template_name = "org/roster_import_list.html"

    def get(self, request):
        qs = ImportRecord.objects.for_user(request.user, Action.IMPORT).select_related("unit", "created_by")
        page = page_of(request, qs.order_by("-created_at", "-pk"))
        return render(request, self.template_name, {"page": page, "base_url": reverse("org:roster_import_list")})


class RosterImportRecordView(ImportAllowed):
    """One import record; while queued or running the progress part polls itself (htmx)."""

    def get(self, request, pk):
        record = _import_record(request, pk)
        ctx = {"record": record, "running": record.state in RUNNING_STATES,
               "errors": record.errors_report[:200],
               "can_confirm": record.dry_run and record.state == ImportState.PREVIEWED and bool(record.file)}
        if request.htmx:
            return render(request, "org/roster_import_progress.html", ctx)
        return render(request, "org/roster_import_record.html", ctx)


class RosterImportRecordConfirmView(ImportAllowed):
    """Confirm a background preview: the stored file is imported for real, again in the background."""

    def post(self, request, pk):
        record = _import_record(request, pk)
        if not (record.dry_run and record.state == ImportState.PREVIEWED and record.file):
            messages.error(request, _("Only a successful preview can be confirmed."))
            return redirect("org:roster_import_record", pk=record.pk)
        with record.file.open("rb") as handle:
            content = handle.read()
        new, reason, _status = _enqueue(actor=request.user, content=content, filename=record.file_name,
                                        unit=record.unit, dry_run=False)
        if new is None:
            messages.error(request, reason)
            return redirect("org:roster_import_record", pk=record.pk)
        return redirect("org:roster_import_record", pk=new.pk)


class RosterImportErrorsView(ImportAllowed):
    """The error report of an import record as xlsx."""

    def get(self, request, pk):
        record = _import_record(request, pk)
        rows = [[e.get("row"), e.get("column"), e.get("code"), e.get("message")] for e in record.errors_report]
        data = write_xlsx([_("Row"), _("Column"), _("Code"), _("Reason")], rows, sheet_title="errors")
        return xlsx_response(data, f"import-{record.pk}-errors.xlsx")
