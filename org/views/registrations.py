"""Pages of dual registrations (双报到) and part-time committee members (兼职委员): the lists with their
filters and create forms, and ending a registration or a term."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import Action, get_object_for_user, has_any_scope, unit_in_scope
from core.web import filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..filtersets import DualRegistrationFilterSet, PartTimeMemberFilterSet
from ..forms import MAX_MEMBER_MATCHES, DualRegistrationCreateForm, EndForm, PartTimeMemberCreateForm
from ..models import DualRegistration, Member, PartTimeMember
from .common import unit_by_code


class _RegistryListView(View):
    """A list of dual registrations or part-time seats with its filters, the create form for users who may
    change something, and an end button on the current rows they may change. Subclasses name the pieces."""

    template_name = ""
    list_name = ""
    filterset_class = None
    list_selector = None  # the selector of the rows, unfiltered (``filterset_class`` filters)
    create_form_class = forms.Form
    unit_attr = ""  # the row's unit that decides who may change it

    def is_current(self, row) -> bool:  # pragma: no cover - subclasses
        raise NotImplementedError

    def context(self, request, create_form=None) -> dict:
        user = request.user
        queryset = type(self).list_selector(user=user)
        filters, qs = filter_list(request, self.filterset_class, queryset, page=True)
        page = page_of(request, qs)
        for row in page.object_list:  # no queries: the units are loaded with the rows
            row.can_end = self.is_current(row) and unit_in_scope(user, Action.CHANGE, getattr(row, self.unit_attr))
        can_create = has_any_scope(user, Action.CHANGE)
        if can_create and create_form is None:
            create_form = self.create_form_class(user=user)
        return {"form": filters.form, "page": page, "base_url": reverse(f"org:{self.list_name}"),
                "query": request.GET.urlencode(), "can_create": can_create, "create_form": create_form}

    def get(self, request):
        return render(request, self.template_name, self.context(request))


def _list_url(request, list_name: str) -> str:
    """The list again, with the filters it was shown with (the query string of the form's action)."""
    query = request.GET.urlencode()
    return reverse(f"org:{list_name}") + (f"?{query}" if query else "")


class _RegistryCreateView(View):
    """POST the list's create form: resolve its codes in CHANGE scope, call the service; errors re-show the
    list with the form (400)."""

    list_view: type[_RegistryListView]
    service = None
    field_map: dict = {}

    def resolve(self, request, form) -> dict | None:  # pragma: no cover - subclasses
        raise NotImplementedError

    def done_message(self, obj) -> str:  # pragma: no cover - subclasses
        raise NotImplementedError

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        view = self.list_view
        form = view.create_form_class(request.POST, user=request.user)
        if form.is_valid():
            kwargs = self.resolve(request, form)
            if kwargs is not None:
                obj = run_service(form, type(self).service, field_map=self.field_map, actor=request.user, **kwargs)
                if obj is not None:
                    messages.success(request, self.done_message(obj))
                    return redirect(_list_url(request, view.list_name))
        return render(request, view.template_name, view().context(request, create_form=form), status=400)


class _RegistryEndView(View):
    """GET: the end form alone (phone fallback); POST: end through the service and back to the list."""

    template_name = "org/registration_end.html"
    list_name = ""
    queryset = None
    service = None
    object_kwarg = ""
    start_attr = ""

    def _object(self, request, pk):
        return get_object_for_user(self.queryset, request.user, Action.CHANGE, pk=pk)

    def _render(self, request, obj, form, status=200):
        ctx = {"object": obj, "form": form, "back_url": _list_url(request, self.list_name)}
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        obj = self._object(request, pk)
        return self._render(request, obj, EndForm(not_before=getattr(obj, self.start_attr)))

    def post(self, request, pk):
        obj = self._object(request, pk)
        form = EndForm(request.POST, not_before=getattr(obj, self.start_attr))
        if form.is_valid():
            ended = run_service(form, type(self).service, field_map={"term_to": "ended_on"}, actor=request.user,
                                ended_on=form.cleaned_data["ended_on"], **{self.object_kwarg: obj})
            if ended is not None:
                messages.success(request, _("Ended."))
                return redirect(_list_url(request, self.list_name))
        return self._render(request, obj, form, status=400)


class DualRegistrationListView(_RegistryListView):
    template_name = "org/dual_registration_list.html"
    list_name = "dual_registration_list"
    filterset_class = DualRegistrationFilterSet
    list_selector = selectors.dual_registration_list
    create_form_class = DualRegistrationCreateForm
    unit_attr = "community"

    def is_current(self, row) -> bool:
        return row.ended_on is None


class DualRegistrationCreateView(_RegistryCreateView):
    list_view = DualRegistrationListView
    service = services.dual_registration_create
    field_map = {"member": "member_q", "kind": "member_q"}

    def resolve(self, request, form) -> dict | None:
        data = form.cleaned_data
        member = self._member(request, form)
        community = unit_by_code(request, form, "community")
        if member is None or community is None:
            return None
        return {"member": member, "community": community, "commitment": data["commitment"],
                "started_on": data["started_on"]}

    @staticmethod
    def _member(request, form) -> Member | None:
        """A picked member id must be in the user's scope (404 otherwise, like a missing id); a search must
        find exactly one member in scope, several are offered to pick from."""
        if form.cleaned_data.get("member"):
            return get_object_for_user(Member.objects.select_related("unit"), request.user, Action.VIEW,
                                       pk=form.cleaned_data["member"])
        found = list(selectors.member_list(user=request.user, search=form.cleaned_data["member_q"])
                     [:MAX_MEMBER_MATCHES + 1])
        if len(found) == 1:
            return found[0]
        if not found:
            form.add_error("member_q", ValidationError(_("No member in your scope matches."), code="not_found"))
        else:
            form.offer(found[:MAX_MEMBER_MATCHES])
            form.add_error("member", ValidationError(_("Several members match: pick one."), code="ambiguous"))
        return None

    def done_message(self, obj) -> str:
        return _("“%(name)s” was registered at %(community)s.") % {"name": obj.member.name,
                                                                     "community": obj.community.name}


class DualRegistrationEndView(_RegistryEndView):
    list_name = "dual_registration_list"
    queryset = DualRegistration.objects.select_related("member", "community")
    service = services.dual_registration_end
    object_kwarg = "registration"
    start_attr = "started_on"


class PartTimeMemberListView(_RegistryListView):
    template_name = "org/part_time_member_list.html"
    list_name = "part_time_member_list"
    filterset_class = PartTimeMemberFilterSet
    list_selector = selectors.part_time_member_list
    create_form_class = PartTimeMemberCreateForm
    unit_attr = "seat"

    def is_current(self, row) -> bool:
        return row.term_to is None or row.term_to >= timezone.localdate()


class PartTimeMemberCreateView(_RegistryCreateView):
    list_view = PartTimeMemberListView
    service = services.part_time_member_create

    def resolve(self, request, form) -> dict | None:
        seat = unit_by_code(request, form, "seat")
        if seat is None:
            return None
        fields = ("person_name", "home_unit", "post", "committee_post", "term_from", "term_to")
        return {"seat": seat, **{f: form.cleaned_data[f] for f in fields}}

    def done_message(self, obj) -> str:
        return _("“%(name)s” was seated on %(committee)s.") % {"name": obj.person_name, "committee": obj.seat.name}


class PartTimeMemberEndView(_RegistryEndView):
    list_name = "part_time_member_list"
    queryset = PartTimeMember.objects.select_related("seat", "home_unit")
    service = services.part_time_member_end
    object_kwarg = "part_time_member"
    start_attr = "term_from"

