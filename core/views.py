from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from .scoping import Action, has_any_scope
from .selectors import active_grants_for, audit_log_list
from .models import AuditLog


def _broker_status() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "not_configured"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return "ok"
    except Exception:
        return "down"


def _database_status() -> str:
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        return "ok"
    except Exception:
        return "down"


@never_cache
@login_not_required
def healthz(request):
    """Liveness and readiness: database and broker status. 503 when a configured service is down."""
    status = {"database": _database_status(), "broker": _broker_status()}
    healthy = status["database"] == "ok" and status["broker"] in ("ok", "not_configured")
    status["status"] = "ok" if healthy else "degraded"
    return JsonResponse(status, status=200 if healthy else 503)


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["grants"] = active_grants_for(self.request.user)
        return ctx


class AuditLogListView(TemplateView):
    """District admins read the audit log, filtered by subtree, user, action, date."""

    template_name = "core/audit_list.html"

    def get(self, request, *args, **kwargs):
        if not has_any_scope(request.user, Action.AUDIT):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from org.models import OrgUnit
        from core.scoping import get_object_for_user

        ctx = super().get_context_data(**kwargs)
        params = self.request.GET
        unit = None
        if params.get("unit"):
            unit = get_object_for_user(OrgUnit, self.request.user, Action.AUDIT, code=params["unit"])
        qs = audit_log_list(
            user=self.request.user,
            unit=unit,
            username=params.get("user", "").strip(),
            action=params.get("action", "").strip(),
            kind=params.get("kind", "").strip(),
            date_from=params.get("from") or None,
            date_to=params.get("to") or None,
        )
        page = Paginator(qs, 50).get_page(params.get("page"))
        ctx.update(page=page, unit=unit, params=params, kinds=AuditLog.Kind.choices)
        return ctx
