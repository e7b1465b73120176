"""Writes of in-app notifications. They are rows first; a push through Celery is optional and a broker
outage is logged, never raised (see ``common.dispatch_push``)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..models import Notification
from .common import audit, notify


@transaction.atomic
def notification_create(*, actor, recipient, kind: str, params: dict | None = None, link: str = "", unit=None,
                        dedupe_key: str = "") -> Notification | None:
    """One notification for one user (the push is queued after commit). None if deduplicated."""
    ids = notify(recipients=[recipient], kind=kind, params=params or {}, link=link, unit=unit,
                 dedupe_key=dedupe_key)
    if not ids:
        return None
    notification = Notification.objects.get(pk=ids[0])
    audit(actor, "notification.create", notification, unit=unit)
    return notification


@transaction.atomic
def notification_mark_read(*, actor, notification_ids=None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids). Returns the count."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    count = qs.update(read_at=timezone.now())
    if count:
        audit(actor, "notification.read", None, after={"count": count})
    return count


def notification_deliver(*, notification_ids) -> int:
    """Mark queued notifications as pushed (the hook where an SMS/WeCom channel would go).
    Idempotent: a conditional UPDATE, so a duplicate delivery changes nothing."""
    return Notification.objects.filter(pk__in=list(notification_ids), delivered_at__isnull=True).update(
        delivered_at=timezone.now()
    )
