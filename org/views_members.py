"""Browser views of members, their registrations and transfers, the member export and the roster import.

Thin, like ``org.views``: reads through ``org.selectors``, writes through ``org.services`` (and the roster
import through ``org.imports`` / ``org.tasks``), every object fetched with ``get_object_for_user`` for the
action the view needs (out of scope is a 404, exactly like a missing id). Personal data is shown masked;
the plaintext leaves only through the audited reveal service or an audited export.
"""
from __future__ import annotations

from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from core.audit import record as audit_record
from core.exports import write_xlsx
from core.models import AuditLog
from core.templatetags.rows import QUICK_RENDERER, label_rows
from core.scoping import Action, ScopeDenied, get_object_for_user, has_any_scope, unit_in_scope
from core.spreadsheets import SpreadsheetError
from core.uploads import drop_upload, stash_upload, stashed_upload

from . import selectors, services
from .forms import add_service_errors
from .forms_registrations import MAX_MEMBER_MATCHES, DualRegistrationCreateForm, EndForm, PartTimeMemberCreateForm
from .forms_members import (
    MEMBER_LEVELS,
    DualRegistrationFilterForm,
    MemberFilterForm,
    MemberForm,
    PartTimeFilterForm,
    RosterImportForm,
    TransferFilterForm,
    TransferRequestForm,
    TransferReturnForm,
)
from .imports import (
    CATEGORY_WORDS,
    COLUMNS,
    EDUCATION_WORDS,
    STANDING_WORDS,
    STATUS_WORDS,
    file_word,
    roster_import,
    template_bytes,
)
from .models import (
    DualRegistration,
    ImportRecord,
    ImportState,
    Member,
    OrgUnit,
    PartTimeMember,
    Transfer,
    TransferBatch,
    TransferEvent,
    TransferState,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_KIND = "org_roster"
# Files above this size are previewed and imported in the background with a progress display.
BACKGROUND_BYTES = getattr(settings, "ROSTER_IMPORT_BACKGROUND_BYTES", 512 * 1024)
RUNNING_STATES = (ImportState.QUEUED, ImportState.RUNNING)
EXPORT_EXTRA_COLUMNS = ["所在党组织", "性别", "出生日期"]


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _require_any(user, action: str) -> None:
    if not has_any_scope(user, action):
        raise Http404


def _unit_filter(form, user, field: str = "unit", action: str = Action.VIEW) -> OrgUnit | None:
    """The unit named by code in ``form``; a missing code and one outside scope are the same form error."""
    if not form.is_bound or not form.is_valid():
        return None
    code = (form.cleaned_data.get(field) or "").strip()
    if not code:
        return None
    try:
        return get_object_for_user(OrgUnit, user, action, code=code)
    except Http404:
        form.add_error(field, _("No unit with this code in your scope."))
        return None


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# -- members -----------------------------------------------------------------------------------------

def _member_queryset(request, action: str = Action.VIEW):
    """The filter form, the unit and the filtered members in scope for ``action`` (none if the filter
    is invalid)."""
    form = MemberFilterForm(request.GET or None)
    unit = _unit_filter(form, request.user, action=action)
    if form.errors:
        return form, unit, Member.objects.none()
    qs = selectors.member_list(user=request.user, unit=unit, action=action, **form.filters())
    return form, unit, qs


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
        form, unit, qs = _member_queryset(request)
        form.renderer = QUICK_RENDERER  # the same HTML, the select boxes written without the widget templates
        qs = qs.select_related(None).select_related("unit").only(*self.list_fields)
        page = _page(request, qs)
        selectors.member_display(page.object_list, user=user)
        label_rows(page.object_list, Member, "gender", "category", "standing", "status", "education")
        ctx = {
            "form": form, "unit": unit, "page": page, "base_url": reverse("org:member_list"),
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
        try:
            value = self.FIELDS[field](actor=request.user, member=member)
        except ScopeDenied:
            raise Http404
        if request.htmx:
            return render(request, "org/member_revealed.html", {"field": field, "value": value})
        detail = MemberDetailView()
        return render(request, detail.template_name, detail.context(request, pk, revealed={field: value}))


class MemberCreateView(View):
    template_name = "org/member_form.html"

    def _render(self, request, form):
        return render(request, self.template_name, {"form": form, "member": None})

    def get(self, request):
        _require_any(request.user, Action.CHANGE)
        return self._render(request, MemberForm(user=request.user))

    def post(self, request):
        _require_any(request.user, Action.CHANGE)
        form = MemberForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                member = services.member_create(actor=request.user, **form.cleaned_data)
            except ScopeDenied:
                raise Http404
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The member “%(name)s” was registered.") % {"name": member.name})
                return redirect("org:member_detail", pk=member.pk)
        return self._render(request, form)


class MemberUpdateView(View):
    """Edit a member's own fields; the ID number and phone change only when a new value is typed."""

    template_name = "org/member_form.html"
    KEEP_IF_BLANK = ("id_number", "phone")

    def _form(self, request, member, data=None):
        initial = {f: getattr(member, f) for f in services.MEMBER_EDITABLE_FIELDS if f not in self.KEEP_IF_BLANK}
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
            try:
                member = services.member_update(actor=request.user, member=member, **changes)
            except ScopeDenied:
                raise Http404
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The member “%(name)s” was saved.") % {"name": member.name})
                return redirect("org:member_detail", pk=member.pk)
        return self._render(request, form, member)


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
                try:
                    services.transfer_request(actor=request.user, member=member, to_unit=to_unit,
                                              letter_no=form.cleaned_data["letter_no"],
                                              note=form.cleaned_data["note"])
                except ScopeDenied:
                    raise Http404
                except ValidationError as exc:
                    add_service_errors(form, exc, field_map={"member": None})
                else:
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


# -- export ------------------------------------------------------------------------------------------

def member_export_xlsx(*, actor, members, reveal: bool, unit: OrgUnit | None, filters: dict) -> tuple[bytes, int]:
    """The members as an xlsx in the roster's columns (re-importable) plus unit name, gender and birth
    date; personal data masked unless ``reveal`` and the actor holds REVEAL over the member's unit.
    Writes one audit row of kind export (rows, revealed rows, filters). Returns (bytes, rows)."""
    rows, revealed = [], 0
    for member in members:
        selectors.member_display([member], user=actor, reveal=reveal)
        if reveal and member.can_reveal:
            revealed += 1
        rows.append([
            member.name, member.id_number_display, member.phone_display,
            file_word(EDUCATION_WORDS, member.education), member.ethnicity, member.joined_on,
            file_word(STANDING_WORDS, member.standing), file_word(CATEGORY_WORDS, member.category),
            member.work_unit.code if member.work_unit_id else "", file_word(STATUS_WORDS, member.status),
            member.unit.code if member.unit_id else "", member.residence.code if member.residence_id else "",
            member.note, member.unit.name if member.unit_id else "", member.get_gender_display(), member.birth_date,
        ])
    data = write_xlsx(COLUMNS + EXPORT_EXTRA_COLUMNS, rows, sheet_title="党员名册")
    audit_record(kind=AuditLog.Kind.EXPORT, action="member.export", actor=actor, unit=unit,
                 object_type=Member._meta.label_lower, object_repr=_("Member list"),
                 after={"rows": len(rows), "revealed": revealed > 0, "revealed_rows": revealed,
                        "filters": {k: v for k, v in filters.items() if v not in (None, "")}})
    return data, len(rows)


def _audit_safe_search(search):
    """The search term as the audit row may keep it: a full ID number or mobile (the list finds members by
    them), or anything with as many digits as one, is masked, never stored in clear."""
    from core.idcard import is_valid_id_number, mask_id_number, normalize_id_number

    if not search:
        return search
    if is_valid_id_number(search):
        return mask_id_number(normalize_id_number(search))
    if sum(ch.isdigit() for ch in search) >= 7:
        return mask_id_number(search)
    return search


@method_decorator(never_cache, name="dispatch")
class MemberExportView(View):
    """The filtered member list as xlsx, for roles with EXPORT (scoped by EXPORT). ``reveal=1`` puts ID
    numbers and phones in clear for the rows the user may reveal; every export is audited."""

    def get(self, request):
        user = request.user
        _require_any(user, Action.EXPORT)
        form, unit, qs = _member_queryset(request, action=Action.EXPORT)
        if form.errors:
            messages.error(request, _("Correct the filter before exporting."))
            return redirect(reverse("org:member_list") + "?" + request.GET.urlencode())
        reveal = request.GET.get("reveal") == "1" and has_any_scope(user, Action.REVEAL)
        filters = {**form.filters(), "unit": unit.code if unit else None}
        filters["search"] = _audit_safe_search(filters.get("search"))
        with transaction.atomic():
            data, _rows = member_export_xlsx(actor=user, members=qs.iterator(chunk_size=2000), reveal=reveal,
                                             unit=unit, filters=filters)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _xlsx_response(data, f"members-{stamp}.xlsx")


# -- registrations and part-time members --------------------------------------------------------------

class _RegistryListView(View):
    """A list of dual registrations or part-time seats with its filters, the create form for users who may
    change something, and an end button on the current rows they may change. Subclasses name the pieces."""

    template_name = ""
    list_name = ""
    model = None
    filter_form_class = forms.Form
    create_form_class = forms.Form
    unit_attr = ""  # the row's unit that decides who may change it

    def rows(self, request, unit, data):  # pragma: no cover - subclasses
        raise NotImplementedError

    def is_current(self, row) -> bool:  # pragma: no cover - subclasses
        raise NotImplementedError

    def context(self, request, create_form=None) -> dict:
        user = request.user
        form = self.filter_form_class(request.GET or None)
        unit = _unit_filter(form, user)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        qs = self.model.objects.none() if form.errors else self.rows(request, unit, data)
        page = _page(request, qs)
        for row in page.object_list:  # no queries: the units are loaded with the rows
            row.can_end = self.is_current(row) and unit_in_scope(user, Action.CHANGE, getattr(row, self.unit_attr))
        can_create = has_any_scope(user, Action.CHANGE)
        if can_create and create_form is None:
            create_form = self.create_form_class(user=user)
        return {"form": form, "page": page, "base_url": reverse(f"org:{self.list_name}"),
                "query": request.GET.urlencode(), "can_create": can_create, "create_form": create_form}

    def get(self, request):
        return render(request, self.template_name, self.context(request))


def _back_to_list(request, list_name: str):
    """The list again, with the filters it was shown with (the query string of the form's action)."""
    return redirect(_list_url(request, list_name))


def _list_url(request, list_name: str) -> str:
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
        _require_any(request.user, Action.CHANGE)
        view = self.list_view
        form = view.create_form_class(request.POST, user=request.user)
        if form.is_valid():
            kwargs = self.resolve(request, form)
            if kwargs is not None:
                try:
                    obj = type(self).service(actor=request.user, **kwargs)
                except ScopeDenied:
                    raise Http404
                except ValidationError as exc:
                    add_service_errors(form, exc, field_map=self.field_map)
                else:
                    messages.success(request, self.done_message(obj))
                    return _back_to_list(request, view.list_name)
        return render(request, view.template_name, view().context(request, create_form=form), status=400)


def _unit_by_code(request, form, field: str) -> OrgUnit | None:
    """The unit whose code is in ``field``, in the user's CHANGE scope; else a form error (a missing code and
    one outside scope read the same)."""
    try:
        return get_object_for_user(OrgUnit, request.user, Action.CHANGE, code=form.cleaned_data[field].strip())
    except Http404:
        form.add_error(field, ValidationError(_("No unit with this code in your scope."), code="not_found"))
        return None


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
            try:
                type(self).service(actor=request.user, **{self.object_kwarg: obj},
                                   ended_on=form.cleaned_data["ended_on"])
            except ScopeDenied:
                raise Http404
            except ValidationError as exc:
                add_service_errors(form, exc, field_map={"term_to": "ended_on"})
            else:
                messages.success(request, _("Ended."))
                return _back_to_list(request, self.list_name)
        return self._render(request, obj, form, status=400)


class DualRegistrationListView(_RegistryListView):
    template_name = "org/dual_registration_list.html"
    list_name = "dual_registration_list"
    model = DualRegistration
    filter_form_class = DualRegistrationFilterForm
    create_form_class = DualRegistrationCreateForm
    unit_attr = "community"

    def rows(self, request, unit, data):
        return selectors.dual_registration_list(user=request.user, unit=unit, kind=data.get("kind") or None,
                                                current=not data.get("ended"))

    def is_current(self, row) -> bool:
        return row.ended_on is None


class DualRegistrationCreateView(_RegistryCreateView):
    list_view = DualRegistrationListView
    service = services.dual_registration_create
    field_map = {"member": "member_q", "kind": "member_q"}

    def resolve(self, request, form) -> dict | None:
        data = form.cleaned_data
        member = self._member(request, form)
        community = _unit_by_code(request, form, "community")
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
    model = PartTimeMember
    filter_form_class = PartTimeFilterForm
    create_form_class = PartTimeMemberCreateForm
    unit_attr = "seat"

    def rows(self, request, unit, data):
        return selectors.part_time_member_list(user=request.user, unit=unit, current=not data.get("ended"))

    def is_current(self, row) -> bool:
        return row.term_to is None or row.term_to >= timezone.localdate()


class PartTimeMemberCreateView(_RegistryCreateView):
    list_view = PartTimeMemberListView
    service = services.part_time_member_create

    def resolve(self, request, form) -> dict | None:
        seat = _unit_by_code(request, form, "seat")
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


# -- transfers -------------------------------------------------------------------------------------

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
        form = TransferFilterForm(request.GET or None)
        state = form.cleaned_data.get("state") if form.is_bound and form.is_valid() else None
        page = _page(request, selectors.transfer_list(user=request.user, state=state or None))
        for transfer in page.object_list:
            transfer_permissions(request.user, transfer)
        ctx = {"form": form, "page": page, "base_url": reverse("org:transfer_list"),
               "return_form": TransferReturnForm()}
        return render(request, self.template_name, ctx)


class TransferActionView(View):
    """POST approve / return (with a reason) / complete, each through its service.

    The transfer is fetched in the user's MOVE scope (either side); the service decides which side may
    take the step: a refusal is a 404, an invalid state a message."""

    action = ""

    def post(self, request, pk):
        transfer = get_object_for_user(Transfer.objects.select_related("member"), request.user, Action.MOVE,
                                       pk=pk)
        try:
            if self.action == "approve":
                services.transfer_approve(actor=request.user, transfer=transfer,
                                          reason=request.POST.get("reason", "")[:500])
                messages.success(request, _("The transfer was approved."))
            elif self.action == "return":
                form = TransferReturnForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Say why the transfer is returned."))
                    return self._back(request)
                services.transfer_return(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
                messages.success(request, _("The transfer was returned."))
            elif self.action == "complete":
                services.transfer_complete(actor=request.user, transfer=transfer)
                messages.success(request, _("The transfer was completed."))
            else:  # pragma: no cover - the URLs name the actions
                raise Http404
        except ScopeDenied:
            raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return self._back(request)

    @staticmethod
    def _back(request):
        from django.utils.http import url_has_allowed_host_and_scheme

        target = request.POST.get("next", "")
        # "/\\host" and "/<tab>/host" start with one slash but browsers follow them off-site.
        if target.startswith("/") and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(target)
        return redirect("org:transfer_list")


class TransferBatchListView(View):
    template_name = "org/transfer_batch_list.html"

    def get(self, request):
        page = _page(request, selectors.transfer_batch_list(user=request.user))
        return render(request, self.template_name, {"page": page, "base_url": reverse("org:transfer_batch_list")})


class TransferBatchDetailView(View):
    """A batch with its preview: where its members go and whether it can be completed by this user."""

    template_name = "org/transfer_batch_detail.html"

    def get(self, request, pk):
        batch = get_object_for_user(TransferBatch.objects.select_related("source", "registered_at"), request.user,
                                    Action.VIEW, pk=pk)
        preview = services.transfer_batch_preview(user=request.user, batch=batch)
        items = Transfer.objects.filter(batch=batch).select_related("member", "to_unit").order_by("pk")
        ctx = {
            "batch": batch, "preview": preview, "page": _page(request, items),
            "base_url": reverse("org:transfer_batch_detail", args=[batch.pk]),
            "can_complete": preview["can_complete"] and unit_in_scope(request.user, Action.CHANGE,
                                                                      batch.registered_at),
        }
        return render(request, self.template_name, ctx)


class TransferBatchCompleteView(View):
    def post(self, request, pk):
        batch = get_object_for_user(TransferBatch, request.user, Action.CHANGE, pk=pk)
        try:
            services.transfer_batch_complete(actor=request.user, batch=batch)
        except ScopeDenied:
            raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The batch transfer was completed."))
        return redirect("org:transfer_batch_detail", pk=batch.pk)


# -- roster import ---------------------------------------------------------------------------------

class _ImportAllowed(View):
    def dispatch(self, request, *args, **kwargs):
        _require_any(request.user, Action.IMPORT)
        return super().dispatch(request, *args, **kwargs)


def _errors_by_row(errors) -> dict:
    by_row = defaultdict(list)
    for e in errors:
        by_row[e.row].append(e.message)
    return dict(by_row)  # a plain dict: a template's ``.items`` on a defaultdict would create a key


class RosterImportView(_ImportAllowed):
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
            return self._enqueue(request, form, upload.read(), upload.name, unit, dry_run=True)
        token = stash_upload(request, upload, IMPORT_KIND)
        entry = stashed_upload(request, token, IMPORT_KIND)
        try:
            result = roster_import(actor=request.user, source=entry["path"], filename=entry["name"], unit=unit,
                                   dry_run=True)
        except ScopeDenied:
            drop_upload(request, token)
            raise Http404
        if not result.ok:
            drop_upload(request, token)
            token = ""
        return self._render(request, RosterImportForm(user=request.user, initial={"unit": unit}),
                            status=200 if result.ok else 400, result=result, token=token, unit=unit,
                            filename=entry["name"], row_errors=_errors_by_row(result.errors))

    def _enqueue(self, request, form, content, filename, unit, dry_run):
        from .tasks import ImportQueueUnavailable, roster_import_enqueue

        try:
            record = roster_import_enqueue(actor=request.user, content=content, filename=filename, unit=unit,
                                           dry_run=dry_run)
        except ScopeDenied:
            raise Http404
        except (ImportQueueUnavailable, SpreadsheetError) as exc:
            form.add_error(None, str(exc) if isinstance(exc, ImportQueueUnavailable) else exc.message)
            return self._render(request, form, status=503 if isinstance(exc, ImportQueueUnavailable) else 400)
        return redirect("org:roster_import_record", pk=record.pk)

    def _confirm(self, request):
        token = request.POST.get("token", "")
        entry = stashed_upload(request, token, IMPORT_KIND)
        if entry is None:
            messages.error(request, _("The preview has expired; upload the file again."))
            return redirect("org:roster_import")
        unit = get_object_for_user(OrgUnit, request.user, Action.IMPORT, pk=request.POST.get("unit") or 0)
        try:
            result = roster_import(actor=request.user, source=entry["path"], filename=entry["name"], unit=unit,
                                   dry_run=False)
        except ScopeDenied:
            raise Http404
        finally:
            drop_upload(request, token)
        if not result.ok:
            return self._render(request, RosterImportForm(user=request.user, initial={"unit": unit}), status=400,
                                result=result, unit=unit, filename=entry["name"],
                                row_errors=_errors_by_row(result.errors))
        messages.success(request, _("Imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.") % {
            "new": result.created, "update": result.updated, "unchanged": result.skipped})
        return redirect(reverse("org:member_list") + f"?unit={unit.code}")


class RosterImportTemplateView(_ImportAllowed):
    def get(self, request):
        return _xlsx_response(template_bytes(), "roster-template.xlsx")


def _import_record(request, pk) -> ImportRecord:
    return get_object_for_user(ImportRecord.objects.select_related("unit", "created_by"), request.user,
                               Action.IMPORT, pk=pk)


class RosterImportListView(_ImportAllowed):
    """The import history: records of imports into units within the user's IMPORT scope."""

    template_name = "org/roster_import_list.html"

    def get(self, request):
        qs = ImportRecord.objects.for_user(request.user, Action.IMPORT).select_related("unit", "created_by")
        page = _page(request, qs.order_by("-created_at", "-pk"))
        return render(request, self.template_name, {"page": page, "base_url": reverse("org:roster_import_list")})


class RosterImportRecordView(_ImportAllowed):
    """One import record; while queued or running the progress part polls itself (htmx)."""

    def get(self, request, pk):
        record = _import_record(request, pk)
        ctx = {"record": record, "running": record.state in RUNNING_STATES,
               "errors": record.errors_report[:200],
               "can_confirm": record.dry_run and record.state == ImportState.PREVIEWED and bool(record.file)}
        if request.htmx:
            return render(request, "org/roster_import_progress.html", ctx)
        return render(request, "org/roster_import_record.html", ctx)


class RosterImportRecordConfirmView(_ImportAllowed):
    """Confirm a background preview: the stored file is imported for real, again in the background."""

    def post(self, request, pk):
        from .tasks import ImportQueueUnavailable, roster_import_enqueue

        record = _import_record(request, pk)
        if not (record.dry_run and record.state == ImportState.PREVIEWED and record.file):
            messages.error(request, _("Only a successful preview can be confirmed."))
            return redirect("org:roster_import_record", pk=record.pk)
        with record.file.open("rb") as handle:
            content = handle.read()
        try:
            new = roster_import_enqueue(actor=request.user, content=content, filename=record.file_name,
                                        unit=record.unit, dry_run=False)
        except ScopeDenied:
            raise Http404
        except (ImportQueueUnavailable, SpreadsheetError) as exc:
            messages.error(request, str(exc) if isinstance(exc, ImportQueueUnavailable) else exc.message)
            return redirect("org:roster_import_record", pk=record.pk)
        return redirect("org:roster_import_record", pk=new.pk)


class RosterImportErrorsView(_ImportAllowed):
    """The error report of an import record as xlsx."""

    def get(self, request, pk):
        record = _import_record(request, pk)
        rows = [[e.get("row"), e.get("column"), e.get("code"), e.get("message")] for e in record.errors_report]
        data = write_xlsx([_("Row"), _("Column"), _("Code"), _("Reason")], rows, sheet_title="errors")
        return _xlsx_response(data, f"import-{record.pk}-errors.xlsx")
