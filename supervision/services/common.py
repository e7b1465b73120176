"""Helpers shared by the supervision services: scope checks, audit rows, holders, notifications."""
from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RoleGrant
from accounts.roles import Role
from core.audit import audit_write, record, snapshot
from core.models import AuditLog
from core.tasks import enqueue_on_commit
from org.models import OrgUnit, OutsideUnit, OutsideUnitKind

from ..choices import ResponsibleLevel
from ..models import DEFAULT_DAYS_BY_LEVEL, Notification, TimeLimit

log = logging.getLogger("suxian.supervision")

SYSTEM = "system:cycle"  # actor_username of audit rows written by the periodic jobs


def audit(actor, action: str, obj, before=None, after=None, unit=None):
    """Exactly one audit row per service call; the periodic jobs write as ``system:cycle``."""
    if actor is None:
        return record(kind=AuditLog.Kind.WRITE, action=action, obj=obj, unit=unit, before=before,
                      after=after if after is not None else snapshot(obj), actor_username=SYSTEM)
    return audit_write(actor=actor, action=action, obj=obj, before=before,
                       after=after if after is not None else snapshot(obj), unit=unit)


def today() -> dt.date:
    return timezone.localdate()


def not_blank(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: ValidationError(_("This field is required."), code="required")})
    return value


def root_of(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(tree_id=unit.tree_id, parent__isnull=True)


def department_check(department) -> OutsideUnit:
    if department is None:
        raise ValidationError({"department": ValidationError(_("Choose the district department."), code="required")})
    department = OutsideUnit.objects.get(pk=getattr(department, "pk", department))
    if department.kind != OutsideUnitKind.DISTRICT_DEPARTMENT or not department.is_active:
        raise ValidationError({"department": ValidationError(_("Only an active district department can take this."), code="not_a_department")})
    return department


def holder_for(level: str, unit: OrgUnit, department=None) -> tuple[int | None, int | None]:
    """(handler_unit_id, handler_department_id) for a case of ``unit`` held at ``level``."""
    if level == ResponsibleLevel.COMMUNITY:
        if not unit.community_anc_id:
            raise ValidationError({"level": ValidationError(_("This unit has no community above it."), code="no_community")})
        return unit.community_anc_id, None
    if level == ResponsibleLevel.STREET:
        if not unit.street_anc_id:
            raise ValidationError({"level": ValidationError(_("This unit has no street above it."), code="no_street")})
        return unit.street_anc_id, None
    if level == ResponsibleLevel.DEPARTMENT:
        return None, department_check(department).pk
    if level == ResponsibleLevel.DISTRICT:
        return root_of(unit).pk, None
    raise ValidationError({"level": ValidationError(_("Unknown level."), code="bad_level")})


def due_on(category: str, level: str, start: dt.date, limits: dict | None = None) -> dt.date:
    """``start`` plus the time limit of (category, level) from the TimeLimit table (or the level default)."""
    if limits is None:
        days = TimeLimit.objects.filter(category=category, level=level).values_list("days", flat=True).first()
    else:
        days = limits.get((category, level))
    return start + dt.timedelta(days=days or DEFAULT_DAYS_BY_LEVEL[level])


def time_limits() -> dict:
    return {(c, lv): d for c, lv, d in TimeLimit.objects.values_list("category", "level", "days")}


def holder_users(*, unit_id=None, department_id=None) -> list[int]:
    """Users who act for a holder: liaisons of a department, or secretaries/staff/admins granted at
    exactly that unit. One query."""
    day = today()
    active = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    if department_id is not None:
        q = Q(role=Role.DEPARTMENT_LIAISON, department_id=department_id)
    else:
        q = Q(unit_id=unit_id, role__in=[Role.DISTRICT_ADMIN, Role.STREET_SECRETARY, Role.STREET_STAFF,
                                          Role.COMMUNITY_SECRETARY])
    return list(RoleGrant.objects.filter(active & q).values_list("user_id", flat=True).distinct())


def dispatch_push(notification_ids: list[int]) -> None:
    """Queue the push delivery of notifications after commit. A broker outage is logged, never raised:
    the notifications are rows already and show in the app regardless."""
    ids = list(notification_ids)
    if not ids:
        return

    def outage(exc):
        log.warning("notification push not queued (broker unavailable); %d rows kept", len(ids), exc_info=exc)

    enqueue_on_commit("supervision.notification_deliver", ids, on_error=outage)


def notify(*, recipients, kind: str, params: dict, link: str = "", unit=None, dedupe_key: str = "") -> list[int]:
    """Create notification rows (idempotent per recipient and ``dedupe_key``) and queue the push
    after commit. Internal: services call it inside their own transaction and audit row."""
    recipients = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not recipients:
        return []
    existing = set()
    if dedupe_key:
        existing = set(
            Notification.objects.filter(recipient_id__in=recipients, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
    rows = [
        Notification(recipient_id=r, kind=kind, params=params, link=link, unit=unit, dedupe_key=dedupe_key)
        for r in recipients
        if r not in existing
    ]
    if not rows:
        return []
    for row in rows:
        row.full_clean(exclude=["recipient", "unit"])
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    ids = list(
        Notification.objects.filter(recipient_id__in=[r.recipient_id for r in rows], kind=kind,
                                    dedupe_key=dedupe_key).order_by("-id").values_list("id", flat=True)[: len(rows)]
    ) if dedupe_key else [r.pk for r in rows if r.pk]
    dispatch_push(ids)
    return ids


__all__ = [
    "SYSTEM", "audit", "dispatch_push", "due_on", "holder_for", "holder_users",
    "notify", "not_blank", "root_of", "time_limits", "today", "department_check", "log",
]
