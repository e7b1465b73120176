from axes.helpers import get_lockout_message
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .services import api_token_issue, api_tokens_revoke


class LoginThrottle(AnonRateThrottle):
    scope = "login"


class ObtainTokenView(APIView):
    """POST username and password, get ``{"token": …, "expiry": …}``: a new token at each log-in,
    expiring after ``REST_KNOX["TOKEN_TTL"]`` without use and at ``AUTO_REFRESH_MAX_TTL`` after issue.
    Failures count toward the log-in lock.

    ``authenticate()`` runs django-axes and sends ``user_login_failed`` (axes counts it, the audit log
    records it). Axes flags a lock-out on the request it is given, here DRF's ``Request`` wrapper,
    which the Django-level ``AxesMiddleware`` never sees, so the view answers the lock-out itself (429).
    A success sends ``user_logged_in`` like the log-in page does: audit row, axes reset, last_login.
    """

    throttle_classes = [LoginThrottle]
    authentication_classes: list = []
    permission_classes: list = []
    serializer_class = AuthTokenSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": str(get_lockout_message()), "code": "locked_out"},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, key = api_token_issue(user=user)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": key, "expiry": token.expiry})


class LogoutTokenView(APIView):
    """``POST /api/auth/logout/``: revoke the token this request authenticated with (204)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        from knox.models import AuthToken

        if isinstance(request.auth, AuthToken):
            api_tokens_revoke(actor=request.user, user=request.user, token=request.auth, reason="logout")
        return Response(status=status.HTTP_204_NO_CONTENT)
