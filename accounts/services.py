"""Writes of role grants: granted, changed and ended here, from the Django admin too.

A grant is never deleted: it is ended by setting ``valid_to`` (the history of who could do what, when,
stays readable). Each write needs GRANT over the grant's unit, checked fresh in the database before and
again after writing (so no change can move a grant out of the actor's subtree), writes one audit row and
drops the cached scope of the actor and of the grantee.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_write, snapshot
from core.scoping import Action, forget_scope, require_scope

from .models import RoleGrant
from .roles import DEPARTMENT_ROLES

GRANT_EDITABLE_FIELDS = ["unit", "role", "valid_from", "valid_to", "department", "note"]


def role_grant_clean(grant: RoleGrant) -> None:
    """The rules a grant obeys beyond its fields: a department is named exactly for a department role,
    and it is an active district department. Raises a ValidationError keyed by field (the admin form
    calls this too, so its errors show on the form)."""
    if grant.role in DEPARTMENT_ROLES:
        department = grant.department if grant.department_id else None
        if department is None:
            raise ValidationError({"department": ValidationError(
                _("Choose the district department this liaison acts for."), code="required")})
        from org.models import OutsideUnitKind

        if department.kind != OutsideUnitKind.DISTRICT_DEPARTMENT or not department.is_active:
            raise ValidationError({"department": ValidationError(
                _("Only an active district department can have liaisons."), code="not_a_department")})
    elif grant.department_id:
        raise ValidationError({"department": ValidationError(
            _("Only a department liaison acts for a department."), code="not_a_department_role")})


def _validate(grant: RoleGrant) -> None:
    grant.full_clean()
    role_grant_clean(grant)


def _require_grant_scope(actor, grant: RoleGrant) -> None:
    """GRANT over the grant's unit and, for a liaison, over the unit that keeps its department: a grant
    gives nothing outside the actor's subtree."""
    require_scope(actor, Action.GRANT, grant.unit)
    if grant.department_id:
        require_scope(actor, Action.GRANT, grant.department.registered_at)


def _recheck(actor, grant: RoleGrant) -> None:
    """After writing, inside the transaction: re-read the rows the grant points at and check again."""
    forget_scope(actor)
    fresh = RoleGrant.objects.select_related("unit", "department__registered_at").get(pk=grant.pk)
    _require_grant_scope(actor, fresh)


def _forget(actor, *grants: RoleGrant) -> None:
    """Drop the cached scope of the actor and of the grantee (each user object the caller holds)."""
    forget_scope(actor)
    for grant in grants:
        if RoleGrant.user.is_cached(grant):
            forget_scope(grant.user)


def _lock(grant: RoleGrant) -> RoleGrant:
    return (RoleGrant.objects.select_for_update(of=("self",))
            .select_related("user", "unit", "department__registered_at").get(pk=grant.pk))


@transaction.atomic
def role_grant_create(*, actor, user, unit, role: str, valid_from: dt.date, valid_to: dt.date | None = None,
                      department=None, note: str = "") -> RoleGrant:
    """Give ``user`` the role ``role`` at ``unit`` (and below) from ``valid_from`` to ``valid_to``."""
    grant = RoleGrant(user=user, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to,
                      department=department, note=(note or "").strip())
    _validate(grant)
    _require_grant_scope(actor, grant)
    grant.save()
    _recheck(actor, grant)
    audit_write(actor=actor, action="role_grant.create", obj=grant, after=snapshot(grant))
    _forget(actor, grant)
    return grant


@transaction.atomic
def role_grant_update(*, actor, grant: RoleGrant, **changes) -> RoleGrant:
    """Change a grant's unit, role, dates, department or note (its user stays: grant another one)."""
    unknown = set(changes) - set(GRANT_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    given, grant = grant, _lock(grant)
    _require_grant_scope(actor, grant)
    before = snapshot(grant)
    for field, value in changes.items():
        setattr(grant, field, value.strip() if field == "note" and value else value)
    _validate(grant)
    _require_grant_scope(actor, grant)  # the new unit and department too, before anything is written
    grant.save(update_fields=list(changes))
    _recheck(actor, grant)
    audit_write(actor=actor, action="role_grant.update", obj=grant, before=before, after=snapshot(grant))
    _forget(actor, given, grant)
    return grant


@transaction.atomic
def role_grant_end(*, actor, grant: RoleGrant, on: dt.date | None = None) -> RoleGrant:
    """End a grant: it stays valid through ``on`` (today by default) and the row is kept. A grant that
    already ends by then is left as it is (no write, no audit row)."""
    given, grant = grant, _lock(grant)
    _require_grant_scope(actor, grant)
    on = on or timezone.localdate()
    if grant.valid_to is not None and grant.valid_to <= on:
        return grant
    if on < grant.valid_from:
        raise ValidationError({"valid_to": ValidationError(
            _("This grant starts after that day; change its dates instead."), code="not_started")})
    before = snapshot(grant)
    grant.valid_to = on
    _validate(grant)
    grant.save(update_fields=["valid_to"])
    _recheck(actor, grant)
    audit_write(actor=actor, action="role_grant.end", obj=grant, before=before, after=snapshot(grant))
    _forget(actor, given, grant)
    return grant


# -- API tokens (django-rest-knox) ---------------------------------------------------------------------

def api_token_issue(*, user) -> tuple:
    """A new token for ``user`` at each log-in: ``(AuthToken, key)``; only its digest is stored, the key
    is shown once. The log-in itself is audited by the ``user_logged_in`` receiver."""
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user)


@transaction.atomic
def api_tokens_revoke(*, actor, user, token=None, reason: str) -> int:
    """Revoke ``token`` (an AuthToken of ``user``) or, without one, every token of ``user``; one audit
    row naming the reason (``logout``, ``page_logout``...) and how many were revoked. A user may revoke
    only their own tokens."""
    from knox.models import AuthToken

    if actor is None or actor.pk != user.pk:
        raise ValidationError({"user": ValidationError(_("Only your own tokens can be revoked."), code="not_own")})
    tokens = AuthToken.objects.filter(user=user)
    if token is not None:
        tokens = tokens.filter(pk=token.pk)
    revoked, _detail = tokens.delete()
    if revoked:
        audit_write(actor=actor, action="api_token.revoke", obj=user, after={"reason": reason, "revoked": revoked})
    return revoked

