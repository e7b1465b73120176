"""The current request's client address, for audit rows written deep inside services."""
from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    # Behind the compose nginx/gunicorn, REMOTE_ADDR is the proxy; trust X-Real-IP only when told to.
    from django.conf import settings

    if getattr(settings, "TRUST_X_REAL_IP", False):
        real = request.META.get("HTTP_X_REAL_IP")
        if real:
            return real
    return request.META.get("REMOTE_ADDR") or None
