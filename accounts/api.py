from axes.helpers import get_lockout_message
from django.contrib.auth.signals import user_logged_in
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle


class LoginThrottle(AnonRateThrottle):
    scope = "login"


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get ``{"token": …}``. Failures count toward the log-in lock.

    ``authenticate()`` runs django-axes and sends ``user_login_failed`` (axes counts it, the audit log
    records it). Axes flags a lock-out on the request it is given, here DRF's ``Request`` wrapper,
    which the Django-level ``AxesMiddleware`` never sees, so the view answers the lock-out itself (429).
    A success sends ``user_logged_in`` like the log-in page does: audit row, axes reset, last_login.
    """

    throttle_classes = [LoginThrottle]
    authentication_classes: list = []
    permission_classes: list = []

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": str(get_lockout_message()), "code": "locked_out"},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token.key})
