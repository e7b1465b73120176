"""Batch-transfer pages (组织关系移交): the list, a new batch (header + list file → preview with each row's
match, receiving unit and errors → confirm, all-or-nothing), the template, and a batch's page where the
receiving sides approve, return and complete its items as for single transfers and the running side
completes every open item at once (``transfer_batch_complete``)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.exports import write_xlsx
from core.scoping import Action, get_object_for_user, unit_in_scope
from core.spreadsheets import SpreadsheetError
from core.uploads import drop_upload, stash_upload, stashed_upload
from core.web import filter_list, page_of, require_any_scope, run_service, xlsx_response

from .. import selectors, services
from ..batch_import import COLUMNS, read_batch_file, resolve_batch_rows
from ..filtersets import TransferBatchFilterSet
from ..forms import TransferReturnForm
from ..forms.batches import TransferBatchForm, TransferBatchUploadForm
from ..models import TransferBatch, TransferBatchState, TransferState
from .common import run_action

BATCH_KIND = "org_transfer_batch"
PREVIEW_ROWS = 500  # rows shown on the preview page (errors are all listed)


class TransferBatchListView(View):
    """Batches run by a unit in scope or bringing members to one; three queries whatever their number."""

    template_name = "org/transfer_batch_list.html"

    def get(self, request):
        filters, qs = filter_list(request, TransferBatchFilterSet, selectors.transfer_batch_list(user=request.user))
        page = page_of(request, qs)
        return render(request, self.template_name, {"page": page, "form": filters.form,
                                                    "base_url": reverse("org:transfer_batch_list"),
                                                    "can_create": _may_create(request.user)})


def _may_create(user) -> bool:
    from core.scoping import has_any_scope

    return has_any_scope(user, Action.CHANGE) and has_any_scope(user, Action.MOVE)


class TransferBatchCreateView(View):
    """Upload → preview → confirm. The preview writes nothing; the confirmation re-reads the stashed file,
    re-matches every row (fresh) and creates the batch through ``transfer_batch_create``, or nothing."""

    template_name = "org/batch_create.html"

    def dispatch(self, request, *args, **kwargs):
        require_any_scope(request.user, Action.CHANGE)
        require_any_scope(request.user, Action.MOVE)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form, status=200, **extra):
        return render(request, self.template_name, {"form": form, "columns": COLUMNS, **extra}, status=status)

    def get(self, request):
        return self._render(request, TransferBatchUploadForm(user=request.user))

    def post(self, request):
        if "confirm" in request.POST:
            return self._confirm(request)
        form = TransferBatchUploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self._render(request, form, status=400)
        token = stash_upload(request, form.cleaned_data["file"], BATCH_KIND)
        entry = stashed_upload(request, token, BATCH_KIND)
        plan, file_error = self._plan(request, form, entry)
        if plan is None or not plan.ok:
            drop_upload(request, token)
            token = ""
        return self._render(request, form, status=200 if token else 400, plan=plan, file_error=file_error,
                            token=token, filename=entry["name"], header=form.cleaned_data)

    @staticmethod
    def _plan(request, form, entry):
        try:
            rows = read_batch_file(entry["path"], filename=entry["name"])
        except SpreadsheetError as exc:
            return None, exc
        data = form.cleaned_data
        plan = resolve_batch_rows(actor=request.user, source=data["source"], registered_at=data["registered_at"],
                                  rows=rows)
        return plan, None

    def _confirm(self, request):
        token = request.POST.get("token", "")
        entry = stashed_upload(request, token, BATCH_KIND)
        if entry is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("org:transfer_batch_create")
        form = TransferBatchForm(request.POST, user=request.user)
        try:
            if not form.is_valid():
                return self._render(request, TransferBatchUploadForm(request.POST, user=request.user), status=400)
            plan, file_error = self._plan(request, form, entry)
            if plan is None or not plan.ok:
                return self._render(request, TransferBatchUploadForm(request.POST, user=request.user), status=400,
                                    plan=plan, file_error=file_error, filename=entry["name"],
                                    header=form.cleaned_data)
            data = form.cleaned_data
            batch = run_service(form, services.transfer_batch_create, actor=request.user, source=data["source"],
                                document_no=data["document_no"], registered_at=data["registered_at"],
                                note=data["note"], items=plan.items)
        finally:
            drop_upload(request, token)
        if batch is None:
            errors = [str(m) for field_errors in form.errors.values() for m in field_errors]
            return self._render(request, TransferBatchUploadForm(user=request.user, initial=request.POST.dict()),
                                status=400, service_errors=errors)
        messages.success(request, _("The batch transfer was created with %(n)s members.") % {"n": len(plan.items)})
        return redirect("org:transfer_batch_detail", pk=batch.pk)


class TransferBatchTemplateView(View):
    def get(self, request):
        require_any_scope(request.user, Action.CHANGE)
        sample = ["431003195501011234", "张三", "13800001234", "SX01001", "", ""]
        return xlsx_response(write_xlsx(COLUMNS, [sample], sheet_title="组织关系移交"), "transfer-batch-template.xlsx")


def item_permissions(user, batch: TransferBatch, transfer) -> None:
    """The steps a user may take on one item (no queries: units loaded): the receiving side approves,
    completes and returns, as for a single transfer, while the batch is a draft."""
    draft = batch.state == TransferBatchState.DRAFT
    receiving = unit_in_scope(user, Action.MOVE, transfer.to_unit)
    transfer.can_approve = draft and receiving and transfer.state == TransferState.REQUESTED
    transfer.can_complete = draft and receiving and transfer.state == TransferState.APPROVED
    transfer.can_return = draft and receiving and transfer.state in (TransferState.REQUESTED, TransferState.APPROVED)


class TransferBatchDetailView(View):
    """A batch: where its members go, whether the user may complete it, and its items with their steps."""

    template_name = "org/transfer_batch_detail.html"

    def get(self, request, pk):
        batch = selectors.transfer_batch_get(user=request.user, pk=pk)
        preview = services.transfer_batch_preview(user=request.user, batch=batch)
        page = page_of(request, selectors.transfer_batch_items(user=request.user, batch=batch))
        for transfer in page.object_list:
            item_permissions(request.user, batch, transfer)
        ctx = {
            "batch": batch, "preview": preview, "page": page, "return_form": TransferReturnForm(),
            "base_url": reverse("org:transfer_batch_detail", args=[batch.pk]),
            "here": request.get_full_path(),
            "can_complete": preview["can_complete"] and unit_in_scope(request.user, Action.CHANGE,
                                                                      batch.registered_at),
        }
        return render(request, self.template_name, ctx)


class TransferBatchCompleteView(View):
    """Complete every open item of the batch at once (CHANGE over the running unit, MOVE over every
    receiving unit), or none."""

    def post(self, request, pk):
        batch = get_object_for_user(TransferBatch, request.user, Action.CHANGE, pk=pk)
        _done, errors = run_action(services.transfer_batch_complete, actor=request.user, batch=batch)
        if errors:
            messages.error(request, " ".join(errors))
        else:
            messages.success(request, _("The batch transfer was completed."))
        return redirect("org:transfer_batch_detail", pk=batch.pk)
