"""Pages that keep the catalogue of delegated service items 下放服务事项: create, edit, withdraw, and the
detail with its history. Only for users with CHANGE over the district root that keeps the items (the
district's organisation department); to anyone else they do not exist (404). The list is
``inspections.DelegatedItemListView``."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user
from core.web import run_service, safe_next
from org.models import OrgUnit

from .. import selectors, services
from ..forms.delegated import DelegatedItemForm, DelegatedItemWithdrawForm
from ..models import DelegatedServiceItem, DelegatedServiceItemEvent


def catalogue_keeper(user) -> OrgUnit | None:
    """The district root whose catalogue ``user`` may change (CHANGE over it), else None."""
    return selectors.delegated_item_keeper(user=user)


def _item(request, pk) -> DelegatedServiceItem:
    """An item of a catalogue the user may change (CHANGE over its keeper, the root), else 404."""
    return get_object_for_user(DelegatedServiceItem.objects.select_related("owner", "department"), request.user,
                               Action.CHANGE, pk=pk)


def _detail_url(item) -> str:
    return reverse("supervision:delegated_item_detail", args=[item.pk])


class DelegatedItemCreateView(View):
    template_name = "supervision/delegated_item_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.keeper = catalogue_keeper(request.user)
        if self.keeper is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "item": None,
                                                    "back_url": reverse("supervision:delegated_item_list")},
                      status=status)

    def get(self, request):
        return self.render_form(request, DelegatedItemForm(user=request.user))

    def post(self, request):
        form = DelegatedItemForm(request.POST, user=request.user)
        if form.is_valid():
            item = run_service(form, services.delegated_service_item_create, actor=request.user, owner=self.keeper,
                               **form.values())
            if item is not None:
                messages.success(request, _("The delegated item %(name)s was added.") % {"name": item.name})
                return redirect(_detail_url(item))
        return self.render_form(request, form, status=400)


class DelegatedItemDetailView(View):
    template_name = "supervision/delegated_item_detail.html"

    def get(self, request, pk):
        item = _item(request, pk)
        events = list(DelegatedServiceItemEvent.objects.filter(item=item).select_related("actor").order_by("at", "id"))
        return render(request, self.template_name, {"item": item, "events": events})


class DelegatedItemUpdateView(View):
    template_name = "supervision/delegated_item_form.html"

    def render_form(self, request, form, item, status=200):
        return render(request, self.template_name, {"form": form, "item": item, "back_url": _detail_url(item)},
                      status=status)

    def get(self, request, pk):
        item = _item(request, pk)
        initial = {f: getattr(item, f) for f in DelegatedItemForm.FIELDS} | {"department": item.department_id}
        return self.render_form(request, DelegatedItemForm(initial=initial, user=request.user, editing=True), item)

    def post(self, request, pk):
        item = _item(request, pk)
        form = DelegatedItemForm(request.POST, user=request.user, editing=True)
        if form.is_valid():
            changes = {f: v for f, v in form.values().items() if v != getattr(item, f)}
            updated = run_service(form, services.delegated_service_item_update, actor=request.user, item=item,
                                  reason=form.cleaned_data["reason"], **changes)
            if updated is not None:
                messages.success(request, _("The delegated item %(name)s was saved.") % {"name": updated.name})
                return redirect(safe_next(request, _detail_url(updated)))
        return self.render_form(request, form, item, status=400)


class DelegatedItemWithdrawView(View):
    template_name = "supervision/delegated_item_withdraw.html"

    def render_form(self, request, form, item, status=200):
        return render(request, self.template_name, {"form": form, "item": item, "back_url": _detail_url(item)},
                      status=status)

    def get(self, request, pk):
        return self.render_form(request, DelegatedItemWithdrawForm(), _item(request, pk))

    def post(self, request, pk):
        item = _item(request, pk)
        form = DelegatedItemWithdrawForm(request.POST)
        if form.is_valid():
            done = run_service(form, services.delegated_service_item_withdraw, actor=request.user, item=item,
                               withdrawn_on=form.cleaned_data["withdrawn_on"], reason=form.cleaned_data["reason"])
            if done is not None:
                messages.success(request, _("The delegated item %(name)s was withdrawn.") % {"name": done.name})
                return redirect(_detail_url(done))
        return self.render_form(request, form, item, status=400)
