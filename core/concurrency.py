"""Two people editing the same record: the second save is refused instead of silently overwriting the
first. A form (or an API client) carries the record's version, its ``updated_at`` as it was read; the
service compares it with the row it has locked (``select_for_update``) and refuses a stale one with
the code ``stale``."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def version_of(obj) -> str:
    """The version a form or an API client sends back: the row's ``updated_at``, to the microsecond."""
    return obj.updated_at.isoformat(timespec="microseconds")


def check_version(obj, version: str | None) -> None:
    """Inside the service, after locking ``obj``: refuse the write when ``version`` (if given) is not
    the row's current one."""
    if version and version != version_of(obj):
        raise ValidationError(
            _("Someone else changed this record while you were editing it. Reload it, check their change "
              "and apply yours again."), code="stale")


class VersionField(forms.CharField):
    """The hidden field a versioned edit form carries (initial: ``version_of(obj)``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
