"""Base classes for scoped API views: querysets through for_user, objects through get_object_for_user."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, viewsets

from .scoping import Action, ScopeDenied, get_object_for_user


def django_errors_to_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "message_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class ScopedViewSetMixin:
    """Reads use Action.VIEW; writes fetch the object with the write action (out of scope = 404)
    and call a service. ``ScopeDenied`` from a service is a 404; Django ValidationError a 400."""

    write_actions = {"update": Action.CHANGE, "partial_update": Action.CHANGE, "destroy": Action.DELETE}

    def get_queryset(self):
        return self.base_queryset().for_user(self.request.user, Action.VIEW)

    def base_queryset(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_object(self):
        action = self.write_actions.get(self.action, Action.VIEW)
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        obj = get_object_for_user(self.base_queryset(), self.request.user, action, **lookup)
        self.check_object_permissions(self.request, obj)
        return obj

    def handle_exception(self, exc):
        if isinstance(exc, ScopeDenied):
            exc = Http404()
        elif isinstance(exc, DjangoValidationError):
            exc = django_errors_to_drf(exc)
        return super().handle_exception(exc)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
