"""Member pages: the list, a member's page, register, edit, the audited reveal and the audited export.

Reads through ``org.selectors`` (filtered by ``org.filtersets``), writes through ``org.services``, every
object fetched with ``get_object_for_user`` for the action the view needs (out of scope is a 404, exactly
like a missing id). Personal data is shown masked; the plaintext leaves only through the audited reveal
service or an audited export.
"""
from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from core.concurrency import version_of
from core.scoping import Action, get_object_for_user, has_any_scope, unit_in_scope
from core.templatetags.rows import QUICK_RENDERER, label_rows
from core.web import export_xlsx, filter_list, page_of, require_any_scope, run_service

from .. import selectors, services
from ..filtersets import MemberFilterSet
from ..forms import MemberForm
from ..models import Member, TransferEvent
from .common import run_action


def member_filter(request, action: str = Action.VIEW, **kwargs):
    """The member FilterSet of the page (or the export) and the filtered members in scope for ``action``."""
    queryset = selectors.member_list(user=request.user, action=action)
    return filter_list(request, MemberFilterSet, queryset, action=action, **kwargs)


class MemberListView(View):
    """Members in the user's scope, filtered and searched, 50 a page, a constant number of queries."""

    template_name = "org/member_list.html"
    # What the table and ``member_display`` read: the rows are loaded with their unit only, not the
    # residence and work unit the selector also joins, nor the encrypted columns.
    list_fields = ("name", "id_number_masked", "gender", "birth_date", "phone_masked", "category", "standing",
                   "status", "education", "joined_on", "unit__code", "unit__name", "unit__tree_id", "unit__lft",
                   "unit__rght")

    def get(self, request):
        user = request.user
        filters, qs = member_filter(request, page=True)
        form = filters.form
        form.renderer = QUICK_RENDERER  # the same HTML, the select boxes written without the widget templates
        qs = qs.select_related(None).select_related("unit").only(*self.list_fields)
        page = page_of(request, qs)
        selectors.member_display(page.object_list, user=user)
        label_rows(page.object_list, Member, "gender", "category", "standing", "status", "education")
        ctx = {
            "form": form, "unit": filters.unit, "page": page, "base_url": reverse("org:member_list"),
            "query": request.GET.urlencode(),
            "can_create": has_any_scope(user, Action.CHANGE),
            "can_export": has_any_scope(user, Action.EXPORT),
            "can_export_plain": has_any_scope(user, Action.EXPORT) and has_any_scope(user, Action.REVEAL),
            "can_import": has_any_scope(user, Action.IMPORT),
        }
        return render(request, self.template_name, ctx)


class MemberDetailView(View):
    """A member: fields (personal data masked), memberships, dual registrations, transfers and their events."""

    template_name = "org/member_detail.html"

    def context(self, request, pk, revealed=None):
        user = request.user
        member = selectors.member_get(user=user, pk=pk)
        selectors.member_display([member], user=user)
        transfers = list(selectors.transfer_list(user=user, member=member))
        events = defaultdict(list)
        for event in TransferEvent.objects.filter(transfer__in=[t.pk for t in transfers]).select_related(
                "actor").order_by("at", "pk"):
            events[event.transfer_id].append(event)
        for t in transfers:
            t.event_list = events[t.pk]
        unit = member.unit
        return {
            "member": member,
            "memberships": list(member.memberships.all()),
            "registrations": list(member.dual_registrations.all()),
            "transfers": transfers,
            "revealed": revealed or {},
            "crumbs": selectors.breadcrumbs(user=user, unit=unit) if unit else [],
            "can_change": unit is not None and unit_in_scope(user, Action.CHANGE, unit),
            "can_transfer": unit is not None and unit_in_scope(user, Action.MOVE, unit),
        }

    def get(self, request, pk):
        return render(request, self.template_name, self.context(request, pk))


@method_decorator(never_cache, name="dispatch")
class MemberRevealView(View):
    """POST: show a member's ID number or phone in clear, through the audited reveal service.

    Only for users holding REVEAL over the member (404 otherwise, like a missing id). An htmx request
    gets the value alone; a plain form post gets the detail page with the value shown.
    """

    FIELDS = {"id_number": services.member_reveal_id, "phone": services.member_reveal_phone}

    def post(self, request, pk):
        field = request.POST.get("field", "id_number")
        if field not in self.FIELDS:
            raise Http404
        member = get_object_for_user(Member.objects.select_related("unit"), request.user, Action.REVEAL, pk=pk)
        value, _errors = run_action(self.FIELDS[field], actor=request.user, member=member)
        if request.htmx:
            return render(request, "org/member_revealed.html", {"field": field, "value": value})
        detail = MemberDetailView()
        return render(request, detail.template_name, detail.context(request, pk, revealed={field: value}))


class MemberCreateView(View):
    template_name = "org/member_form.html"

    def _render(self, request, form):
        return render(request, self.template_name, {"form": form, "member": None})

    def get(self, request):
        require_any_scope(request.user, Action.CHANGE)
        return self._render(request, MemberForm(user=request.user))

    def post(self, request):
        require_any_scope(request.user, Action.CHANGE)
        form = MemberForm(request.POST, user=request.user)
        if form.is_valid():
            member = run_service(form, services.member_create, actor=request.user, **form.cleaned_data)
            if member is not None:
                messages.success(request, _("The member “%(name)s” was registered.") % {"name": member.name})
                return redirect("org:member_detail", pk=member.pk)
        return self._render(request, form)


class MemberUpdateView(View):
    """Edit a member's own fields; the ID number and phone change only when a new value is typed."""

    template_name = "org/member_form.html"
    KEEP_IF_BLANK = ("id_number", "phone")

    def _form(self, request, member, data=None):
        initial = {f: getattr(member, f) for f in services.MEMBER_EDITABLE_FIELDS if f not in self.KEEP_IF_BLANK}
        initial["version"] = version_of(member)
        return MemberForm(data, user=request.user, editing=True, initial=initial)

    def _render(self, request, form, member):
        return render(request, self.template_name, {"form": form, "member": member})

    def _member(self, request, pk):
        return get_object_for_user(Member.objects.select_related("unit", "work_unit", "residence"), request.user,
                                   Action.CHANGE, pk=pk)

    def get(self, request, pk):
        member = self._member(request, pk)
        return self._render(request, self._form(request, member), member)

    def post(self, request, pk):
        member = self._member(request, pk)
        form = self._form(request, member, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            changes = {f: data[f] for f in form.changed_data
                       if f in services.MEMBER_EDITABLE_FIELDS and f not in self.KEEP_IF_BLANK}
            for f in self.KEEP_IF_BLANK:
                if (data.get(f) or "").strip():
                    changes[f] = data[f]
            if data.get("clear_phone") and "phone" not in changes and member.phone_hash:
                changes["phone"] = ""
            if not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect("org:member_detail", pk=member.pk)
            saved = run_service(form, services.member_update, actor=request.user, member=member,
                                version=data.get("version"), **changes)
            if saved is not None:
                messages.success(request, _("The member “%(name)s” was saved.") % {"name": saved.name})
                return redirect("org:member_detail", pk=saved.pk)
        return self._render(request, form, member)


@method_decorator(never_cache, name="dispatch")
class MemberExportView(View):
    """The filtered member list as xlsx, for roles with EXPORT (scoped by EXPORT). ``reveal=1`` puts ID
    numbers and phones in clear for the rows the user may reveal; every export is audited."""

    def get(self, request):
        user = request.user
        require_any_scope(user, Action.EXPORT)
        filters, qs = member_filter(request, action=Action.EXPORT)
        if filters.errors:
            messages.error(request, _("Correct the filter before exporting."))
            return redirect(reverse("org:member_list") + "?" + request.GET.urlencode())
        reveal = request.GET.get("reveal") == "1" and has_any_scope(user, Action.REVEAL)
        unit = filters.unit
        audited = {**filters.values(), "unit": unit.code if unit else None}
        audited["search"] = selectors.audit_safe_search(audited.get("search"))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        with transaction.atomic():
            rows, revealed = selectors.member_export_rows(qs.iterator(chunk_size=2000), user=user, reveal=reveal)
            return export_xlsx(actor=user, action="member.export", model=Member, unit=unit, filters=audited,
                               object_repr=_("Member list"), filename=f"members-{stamp}.xlsx",
                               sheets=[("党员名册", selectors.MEMBER_EXPORT_COLUMNS, rows)],
                               revealed=revealed > 0, revealed_rows=revealed)
