"""Transfer pages: request a member's transfer, the list with the steps the user may take (approve,
return, complete). Batch transfers: ``org.views.batches``."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.scoping import Action, get_object_for_user, unit_in_scope
from core.web import filter_list, page_of, run_service, safe_next

from .. import selectors, services
from ..choices import MEMBER_LEVELS
from ..filtersets import TransferFilterSet
from ..forms import TransferRequestForm, TransferReturnForm
from ..models import Member, OrgUnit, Transfer, TransferState
from .common import run_action


class MemberTransferView(View):
    """Request the transfer of a member's org relationship (the sending side: MOVE over the member)."""

    template_name = "org/member_transfer.html"

    def _member(self, request, pk):
        return get_object_for_user(Member.objects.select_related("unit"), request.user, Action.MOVE, pk=pk)

    def _render(self, request, form, member):
        return render(request, self.template_name, {"form": form, "member": member})

    def get(self, request, pk):
        member = self._member(request, pk)
        return self._render(request, TransferRequestForm(user=request.user, member=member), member)

    def post(self, request, pk):
        member = self._member(request, pk)
        form = TransferRequestForm(request.POST, user=request.user, member=member)
        if form.is_valid():
            to_unit = self._resolve(request, form)
            if to_unit is not None:
                transfer = run_service(form, services.transfer_request, field_map={"member": None},
                                       actor=request.user, member=member, to_unit=to_unit,
                                       letter_no=form.cleaned_data["letter_no"], note=form.cleaned_data["note"])
                if transfer is not None:
                    messages.success(request, _("The transfer was requested."))
                    return redirect("org:member_detail", pk=member.pk)
        return self._render(request, form, member)

    @staticmethod
    def _resolve(request, form) -> OrgUnit | None:
        """A picked unit must be one the user governs (404 otherwise); a typed code may name any unit
        that can hold members (the receiving side approves), else a form error."""
        if form.cleaned_data.get("to_unit"):
            return get_object_for_user(OrgUnit, request.user, Action.MOVE, pk=form.cleaned_data["to_unit"])
        code = form.cleaned_data["to_unit_code"].strip()
        unit = OrgUnit.objects.filter(code=code, level__in=MEMBER_LEVELS).first()
        if unit is None:
            form.add_error("to_unit_code", _("No unit with this code can hold members."))
        return unit


def transfer_permissions(user, transfer: Transfer) -> None:
    """Set ``can_approve`` / ``can_return`` / ``can_complete`` on a transfer (no queries: units loaded).
    Batch items move with their batch, so they get no single actions."""
    receiving = unit_in_scope(user, Action.MOVE, transfer.to_unit)
    sending = transfer.from_unit_id is not None and unit_in_scope(user, Action.MOVE, transfer.from_unit)
    single = transfer.batch_id is None
    transfer.can_approve = single and transfer.state == TransferState.REQUESTED and receiving
    transfer.can_complete = single and transfer.state == TransferState.APPROVED and receiving
    transfer.can_return = single and transfer.state in (TransferState.REQUESTED, TransferState.APPROVED) and (
        receiving or sending)


class TransferListView(View):
    """Transfers whose sending or receiving side is in scope, with the actions the user may take."""

    template_name = "org/transfer_list.html"

    def get(self, request):
        filters, qs = filter_list(request, TransferFilterSet, selectors.transfer_list(user=request.user), page=True)
        page = page_of(request, qs)
        for transfer in page.object_list:
            transfer_permissions(request.user, transfer)
        ctx = {"form": filters.form, "page": page, "base_url": reverse("org:transfer_list"),
               "return_form": TransferReturnForm()}
        return render(request, self.template_name, ctx)


class TransferActionView(View):
    """POST approve / return (with a reason) / complete, each through its service.

    The transfer is fetched in the user's MOVE scope (either side); the service decides which side may
    take the step: a refusal is a 404, an invalid state a message. Back to a ``next`` on this site, else
    to the list."""

    action = ""
    SERVICES = {"approve": services.transfer_approve, "return": services.transfer_return,
                "complete": services.transfer_complete}
    DONE = {"approve": gettext_lazy("The transfer was approved."),
            "return": gettext_lazy("The transfer was returned."),
            "complete": gettext_lazy("The transfer was completed.")}

    def post(self, request, pk):
        transfer = get_object_for_user(Transfer.objects.select_related("member"), request.user, Action.MOVE,
                                       pk=pk)
        back = redirect(safe_next(request, reverse("org:transfer_list")))
        step = {"reason": request.POST.get("reason", "")[:500]}
        if self.action == "return":
            form = TransferReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the transfer is returned."))
                return back
            step = {"reason": form.cleaned_data["reason"]}
        elif self.action == "complete":
            step = {}
        _done, errors = run_action(self.SERVICES[self.action], actor=request.user, transfer=transfer, **step)
        if errors:
            messages.error(request, " ".join(errors))
        else:
            messages.success(request, self.DONE[self.action])
        return back
