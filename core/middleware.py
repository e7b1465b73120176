from .request_context import client_ip, current_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


from django.contrib.auth.middleware import (
    LoginRequiredMiddleware as _DjangoLoginRequired,  # noqa: E402
)


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Django's log-in requirement for pages. The API authenticates itself (session or token) and
    answers 401/403 in JSON, so it is left to DRF's IsAuthenticated instead of a redirect."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class BadParameterStatusMiddleware:
    """A page whose query parameters did not validate (``core.web.filter_list`` marks the request)
    answers 400 instead of 200; it still renders the filter form with its errors, and htmx swaps it
    (``htmx-config`` in base.html lets 400 responses through)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 200 and getattr(request, "bad_parameters", None):
            response.status_code = 400
        return response
