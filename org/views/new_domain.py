"""Pages of the new-domain party organisations (楼宇、物业企业、社会组织、非公企业党组织): the list with its
filters and the coverage per kind (有形有效覆盖), create, edit and end. Thin: rows in scope through the
selector and ``NewDomainOrgFilterSet``, objects and units fetched in CHANGE scope (404 otherwise), writes
through ``new_domain_org_create/update/end``."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope, unit_in_scope
from core.web import filter_list, page_of, require_any_scope, run_service, safe_next

from .. import selectors, services
from ..filtersets import NewDomainOrgFilterSet
from ..forms import NewDomainOrgEndForm, NewDomainOrgForm, attach_units
from ..forms.new_domain import EDIT_FIELDS
from ..models import NewDomainOrg, OrgUnit


def _list_url() -> str:
    return reverse("org:new_domain_org_list")


class NewDomainOrgListView(View):
    """The organisations in scope (current by default), filtered; coverage per kind of the current ones
    among the filtered rows; create / edit / end for who may change them. A fixed number of queries."""

    template_name = "org/new_domain_list.html"

    def get(self, request):
        user = request.user
        filters, qs = filter_list(request, NewDomainOrgFilterSet, selectors.new_domain_org_list(user=user))
        page = page_of(request, qs)
        for row in page.object_list:  # no queries: the scope is cached, the units are loaded with the rows
            row.can_change = row.ended_on is None and unit_in_scope(user, Action.CHANGE, row.unit)
        since, today = selectors.quarter_window()
        return render(request, self.template_name, {
            "form": filters.form, "page": page, "base_url": _list_url(), "query": request.GET.urlencode(),
            "coverage": selectors.new_domain_coverage(qs), "since": since, "today": today,
            "can_create": has_any_scope(user, Action.CHANGE),
        })


class NewDomainOrgCreateView(View):
    template_name = "org/new_domain_form.html"

    def dispatch(self, request, *args, **kwargs):
        require_any_scope(request.user, Action.CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, request, form, status=200):
        return render(request, self.template_name, {"form": form, "org": None, "back_url": _list_url()},
                      status=status)

    def get(self, request):
        initial = {"kind": request.GET.get("kind", "")}
        return self.render_form(request, NewDomainOrgForm(initial=initial, units=attach_units(request.user)))

    def post(self, request):
        user = request.user
        form = NewDomainOrgForm(request.POST, units=attach_units(user))
        if form.is_valid():
            unit = get_object_for_user(OrgUnit, user, Action.CHANGE, pk=form.cleaned_data["unit"])
            org = run_service(form, services.new_domain_org_create, actor=user, unit=unit, **form.values())
            if org is not None:
                messages.success(request, _("The new-domain organisation %(name)s was registered.") % {"name": org.name})
                return redirect(safe_next(request, _list_url()))
        return self.render_form(request, form, status=400)


class NewDomainOrgUpdateView(View):
    template_name = "org/new_domain_form.html"

    def fetch(self, request, pk) -> NewDomainOrg:
        return get_object_for_user(NewDomainOrg.objects.select_related("unit"), request.user, Action.CHANGE, pk=pk)

    def render_form(self, request, form, org, status=200):
        return render(request, self.template_name, {"form": form, "org": org, "back_url": _list_url()},
                      status=status)

    def get(self, request, pk):
        org = self.fetch(request, pk)
        initial = {f: getattr(org, f) for f in EDIT_FIELDS} | {"unit": org.unit_id}
        return self.render_form(request, NewDomainOrgForm(initial=initial, units=attach_units(request.user)), org)

    def post(self, request, pk):
        user = request.user
        org = self.fetch(request, pk)
        form = NewDomainOrgForm(request.POST, units=attach_units(user))
        if form.is_valid():
            changes = {f: v for f, v in form.values().items() if v != getattr(org, f)}
            if form.cleaned_data["unit"] != org.unit_id:
                changes["unit"] = get_object_for_user(OrgUnit, user, Action.CHANGE, pk=form.cleaned_data["unit"])
            updated = run_service(form, services.new_domain_org_update, actor=user, org=org, **changes)
            if updated is not None:
                messages.success(request, _("The new-domain organisation %(name)s was saved.") % {"name": updated.name})
                return redirect(safe_next(request, _list_url()))
        return self.render_form(request, form, org, status=400)


class NewDomainOrgEndView(View):
    template_name = "org/new_domain_end.html"

    def fetch(self, request, pk) -> NewDomainOrg:
        return get_object_for_user(NewDomainOrg.objects.select_related("unit"), request.user, Action.CHANGE, pk=pk)

    def render_form(self, request, form, org, status=200):
        return render(request, self.template_name, {"form": form, "org": org, "back_url": _list_url()},
                      status=status)

    def get(self, request, pk):
        return self.render_form(request, NewDomainOrgEndForm(), self.fetch(request, pk))

    def post(self, request, pk):
        user = request.user
        org = self.fetch(request, pk)
        form = NewDomainOrgEndForm(request.POST)
        if form.is_valid():
            ended = run_service(form, services.new_domain_org_end, actor=user, org=org,
                                ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"])
            if ended is not None:
                messages.success(request, _("The new-domain organisation %(name)s was ended.") % {"name": ended.name})
                return redirect(safe_next(request, _list_url()))
        return self.render_form(request, form, org, status=400)
