"""What every app's views share: run a service from a form, page a list, send a spreadsheet, redirect
safely. Views stay thin: fetch in scope (404 otherwise), bind a form, ``run_service``, then redirect.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from .scoping import ScopeDenied, has_any_scope

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def add_service_errors(form, exc: ValidationError, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form: on the matching field, else as a form error (the
    errors keep their codes, so ``form.has_error(field, code)`` sees them)."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = field_map.get(field, field)
            form.add_error(field if field in form.fields else None, list(errors))
    else:
        form.add_error(None, exc.error_list)


def run_service(form, fn, *, field_map: dict | None = None, **kwargs):
    """Call the service ``fn(**kwargs)``: its ValidationError becomes errors on ``form`` (and None is
    returned); ScopeDenied becomes a 404, exactly like a missing id."""
    try:
        return fn(**kwargs)
    except ScopeDenied:
        raise Http404 from None
    except ValidationError as exc:
        add_service_errors(form, exc, field_map)
        return None


def require_any_scope(user, action: str, *, departments: bool = False) -> None:
    """404 for a page that serves only users who may do ``action`` somewhere in the tree (or, with
    ``departments``, for a department): to anyone else it does not exist."""
    if not has_any_scope(user, action, departments=departments):
        raise Http404


def page_of(request, qs, size: int = PAGE_SIZE, count: int | None = None):
    """A page of ``qs`` (``?page=``; a bad number gives the first or last page, never an error);
    ``count``, when the caller already knows how many rows ``qs`` has, spares the paginator's COUNT."""
    paginator = Paginator(qs, size)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An xlsx download (``core.exports.write_xlsx`` writes ``data``), never cached."""
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def is_safe_url(request, target: str) -> bool:
    """A redirect target on this host (a relative path or this host's URL), never another site."""
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request, default: str) -> str:
    """The ``next`` of the POST or the query when it is safe (``is_safe_url``), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_url(request, target) else default


def filter_list(request, filterset_class, queryset, *, data=None, **kwargs):
    """The one way a list page, its API endpoint and its export filter: ``filterset_class`` (a
    django-filter FilterSet) bound to ``request.GET`` (or to ``data``, a page's parameters with its
    defaults filled in). Returns ``(filterset, rows)``; with an invalid parameter the rows are none and
    ``filterset.errors`` says why (pages show it on the filter form, the API answers 400 through DRF's
    filter backend)."""
    data = request.GET if data is None else data
    filterset = filterset_class(data or None, queryset=queryset, request=request, **kwargs)
    if filterset.is_bound and not filterset.is_valid():
        # BadParameterStatusMiddleware turns the page's 200 into a 400 (the page still shows the errors).
        getattr(request, "_request", request).bad_parameters = filterset.errors
        return filterset, queryset.none()
    return filterset, filterset.qs


def api_filter_list(request, filterset_class, queryset, **kwargs):
    """``filter_list`` for an API view: an invalid parameter is a 400 naming the field and the reason,
    like django-filter's DRF backend, instead of an empty list."""
    from django_filters.utils import translate_validation

    filterset, rows = filter_list(request, filterset_class, queryset, **kwargs)
    if filterset.is_bound and filterset.errors:
        raise translate_validation(filterset.errors)
    return filterset, rows


def export_xlsx(*, actor, action: str, sheets, filename: str, model=None, unit=None, filters=None,
                object_repr: str = "", **audit_after) -> HttpResponse:
    """An audited xlsx download: ``sheets`` is ``[(title, headers, rows), ...]`` (``core.exports``
    writes it, cells neutralised); one EXPORT audit row names the action, the row counts and the
    filters that chose the rows (numbers and booleans kept, other values as text)."""
    from .audit import record
    from .exports import write_xlsx_sheets
    from .models import AuditLog

    sheets = [(title, headers, list(rows)) for title, headers, rows in sheets]
    data = write_xlsx_sheets(sheets)
    record(kind=AuditLog.Kind.EXPORT, action=action, actor=actor, unit=unit, object_repr=object_repr,
           object_type=model._meta.label_lower if model is not None else "",
           after={"rows": sum(len(rows) for _t, _h, rows in sheets),
                  "filters": {k: v if isinstance(v, (bool, int, float)) else str(v)
                              for k, v in (filters or {}).items() if v not in (None, "")},
                  **audit_after})
    return xlsx_response(data, filename)
