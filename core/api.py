"""Shared API pieces."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from .concurrency import version_of


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class VersionField(serializers.Field):
    """A record's version (``core.concurrency.version_of``) in the API: read on every object, sent back
    on an update to refuse a stale one (400 with the code ``stale``). Lands in ``validated_data`` as
    ``version``."""

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, obj):
        return version_of(obj)

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > 40:
            raise serializers.ValidationError(_("Send back the version exactly as it was read."), code="invalid")
        return {"version": data}
