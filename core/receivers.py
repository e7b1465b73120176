"""Audit rows for log-ins, log-outs and failed log-ins (infrastructure, not domain logic)."""
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from .audit import record
from .models import AuditLog
from .request_context import client_ip, current_ip


def _with_ip(request, fn):
    token = current_ip.set(client_ip(request)) if request is not None else None
    try:
        fn()
    finally:
        if token is not None:
            current_ip.reset(token)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    _with_ip(request, lambda: record(kind=AuditLog.Kind.LOGIN, action="auth.login", actor=user))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        _with_ip(request, lambda: record(kind=AuditLog.Kind.LOGOUT, action="auth.logout", actor=user))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    _with_ip(
        request,
        lambda: record(kind=AuditLog.Kind.LOGIN_FAILED, action="auth.login_failed", actor_username=username),
    )
