from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from .models import AuditLog
from .scoping import Action, has_any_scope
from .selectors import active_grants_for, audit_log_list


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


def _home_hooks(name: str):
    """The functions ``name`` of the apps' ``<app>.home`` modules, in app order (core names no app)."""
    from .registry import app_modules

    return [getattr(module, name) for module in app_modules("home") if hasattr(module, name)]


class HomeView(TemplateView):
    """The start page. An app may answer it for some users (``<app>.home.landing(request)`` returns a
    response or None: district and street staff get the cockpit) and add panels to it
    (``<app>.home.home_panels(request)`` returns rendered HTML: a community secretary's visit button, open
    cases and community figures come first); then the user's responsibilities and the quick links."""

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        for landing in _home_hooks("landing"):
            response = landing(request)
            if response is not None:
                return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["grants"] = active_grants_for(self.request.user)
        ctx["panels"] = [html for panels in _home_hooks("home_panels") for html in panels(self.request)]
        return ctx


class AuditLogFilterForm(forms.Form):
    """The audit page's filter. Every field is optional; invalid values are shown as form errors."""

    unit = forms.CharField(label=_("Unit code (with its subtree)"), required=False, max_length=32)
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.CharField(label=_("Action (prefix)"), required=False, max_length=64)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "---------"), *AuditLog.Kind.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AuditLogListView(TemplateView):
    """District admins read the audit log, filtered by subtree, user, action, date."""

    template_name = "core/audit_list.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        if not has_any_scope(request.user, Action.AUDIT):
            raise Http404
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from .scoping import get_object_for_user, unit_model

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = AuditLogFilterForm(self.request.GET or None)
        filters, unit = {}, None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            if data["unit"]:
                try:
                    unit = get_object_for_user(unit_model(), user, Action.AUDIT, code=data["unit"].strip())
                except Http404:
                    # Same answer for a missing code and one outside the user's audit scope.
                    form.add_error("unit", _("No unit with this code in your scope."))
            filters = dict(
                username=data["user"].strip(),
                action=data["action"].strip(),
                kind=data["kind"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        if form.errors:
            qs = AuditLog.objects.none()
        else:
            qs = audit_log_list(user=user, unit=unit, **filters).select_related("unit")
        page = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
        ctx.update(page=page, unit=unit, form=form, kinds=AuditLog.Kind.choices)
        return ctx
