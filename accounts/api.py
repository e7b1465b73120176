from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import AnonRateThrottle


class LoginThrottle(AnonRateThrottle):
    scope = "login"


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get ``{"token": …}``. Failures count toward the log-in lock."""

    throttle_classes = [LoginThrottle]
    authentication_classes: list = []
    permission_classes: list = []
