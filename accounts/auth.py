"""API token authentication: django-rest-knox tokens (hashed at rest, several per user, each with an
idle and an absolute expiry, see ``settings.REST_KNOX``), which also stop authenticating once the
user's password changed after the token was issued or the user holds no current role grant."""
from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

from core.scoping import user_scope


class TokenAuthentication(KnoxTokenAuthentication):
    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        lifetime = knox_settings.AUTO_REFRESH_MAX_TTL
        if lifetime is not None and timezone.now() >= auth_token.created + lifetime:
            # knox caps the renewal but keeps the last idle expiry: the absolute limit is enforced here.
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("The token has expired; log in again."), code="expired")
        changed = user.password_changed_at
        if changed is not None and auth_token.created < changed:
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("The password changed; log in again."), code="password_changed")
        # The grants are read once per request anyway (the scoping primitive caches them on the user).
        if not user.is_superuser and not user_scope(user).grants:
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("You no longer hold a role; the token was revoked."),
                                                  code="no_role")
        return user, auth_token
