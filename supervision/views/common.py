"""Helpers shared by the work-system pages."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.scoping import Action, ScopeDenied, scope_nodes
from org.choices import UnitKind
from org.forms import add_service_errors
from org.models import OrgUnit

from ..forms import department_queryset
from ..selectors import liaison_departments, scope_q_for, supervision_scope

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STREET_KINDS = (UnitKind.STREET, UnitKind.TOWN)


def page_of(request, qs, size: int = PAGE_SIZE, count: int | None = None):
    """A page of ``qs``; ``count``, when the caller already knows how many rows ``qs`` has, spares the
    paginator's COUNT query."""
    paginator = Paginator(qs, size)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


def tree_units(user, action: str = Action.VIEW):
    """Units of the tree in the user's supervision scope (a liaison grant gives no tree part)."""
    return OrgUnit.objects.filter(scope_q_for(OrgUnit, user, action))


def has_tree_scope(user, action: str) -> bool:
    nodes = scope_nodes(user, action)
    if nodes is None:
        return True
    if not nodes:
        return False
    scope = supervision_scope(user)
    return not scope.has_liaison or bool(scope.tree.get(str(action)))


def has_scope(user, action: str) -> bool:
    """Any tree part or any department part for ``action``."""
    return has_tree_scope(user, action) or bool(liaison_departments(user, action))


def require_scope(user, action: str) -> None:
    if not has_scope(user, action):
        raise Http404


def unit_from_form(form, user, field: str = "unit", action: str = Action.VIEW) -> OrgUnit | None:
    """The unit named by code in a valid form; a missing code and one outside scope are the same error."""
    if not form.is_bound or not form.is_valid():
        return None
    code = (form.cleaned_data.get(field) or "").strip()
    if not code:
        return None
    unit = tree_units(user, action).filter(code=code).first()
    if unit is None:
        form.add_error(field, _("No unit with this code in your scope."))
    return unit


def run_service(form, fn, **kwargs):
    """Call a service: its ValidationError becomes form errors (returns None), ScopeDenied a 404."""
    try:
        return fn(**kwargs)
    except ScopeDenied:
        raise Http404 from None
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def targets_for(user, action: str = Action.RECORD) -> list[tuple[str, str]]:
    """Streets and district departments ``user`` may act for: ``u<id>`` / ``d<id>`` choices.
    Departments: all active ones for tree scope covering the district root, else the liaison's own."""
    streets = list(tree_units(user, action).filter(kind__in=STREET_KINDS).order_by("tree_id", "lft")
                   .values_list("pk", "name"))
    choices = [(f"u{pk}", name) for pk, name in streets]
    own = liaison_departments(user, action)
    covers_root = tree_units(user, action).filter(parent__isnull=True).exists()
    for dept in department_queryset():
        if covers_root or dept.pk in own:
            choices.append((f"d{dept.pk}", dept.name))
    return choices


def resolve_target(value: str, user, action: str = Action.RECORD):
    """``u<id>`` → (street, None), ``d<id>`` → (None, department), checked against ``targets_for``."""
    if value not in {v for v, _label in targets_for(user, action)}:
        raise Http404
    from org.models import OutsideUnit

    pk = int(value[1:])
    if value[0] == "u":
        return OrgUnit.objects.get(pk=pk), None
    return None, OutsideUnit.objects.get(pk=pk)


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default
