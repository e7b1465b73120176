"""Roles and what each may do. Kept in code so that they are reviewable and testable.

The grants (which user holds which role at which unit, from when to when) live in the database.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import Action as A


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District organisation department (admin)")
    DISTRICT_VIEWER = "district_viewer", _("District leader (read-only)")
    STREET_SECRETARY = "street_secretary", _("Street secretary")
    STREET_STAFF = "street_staff", _("Street staff")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    COMMUNITY_CADRE = "community_cadre", _("Community cadre")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset(
        {A.VIEW, A.CHANGE, A.MOVE, A.DELETE, A.IMPORT, A.EXPORT, A.REVEAL, A.AUDIT, A.RECORD, A.GRANT}
    ),
    Role.DISTRICT_VIEWER: frozenset({A.VIEW, A.EXPORT}),
    Role.STREET_SECRETARY: frozenset({A.VIEW, A.CHANGE, A.MOVE, A.DELETE, A.IMPORT, A.EXPORT, A.REVEAL, A.RECORD}),
    Role.STREET_STAFF: frozenset({A.VIEW, A.CHANGE, A.IMPORT, A.EXPORT, A.RECORD}),
    Role.COMMUNITY_SECRETARY: frozenset({A.VIEW, A.CHANGE, A.MOVE, A.IMPORT, A.EXPORT, A.REVEAL, A.RECORD}),
    Role.COMMUNITY_CADRE: frozenset({A.VIEW, A.CHANGE, A.RECORD}),
    Role.GRID_WORKER: frozenset({A.VIEW, A.RECORD}),
    Role.DEPARTMENT_LIAISON: frozenset({A.VIEW, A.RECORD}),
}


# Roles held for an outside unit (RoleGrant.department), not for the tree: their grants give no
# subtree scope, only the rows of models that declare ``scope_department_path`` (core.scoping).
DEPARTMENT_ROLES: frozenset[str] = frozenset({Role.DEPARTMENT_LIAISON})


def actions_for(role: str) -> frozenset[str]:
    return ROLE_ACTIONS.get(role, frozenset())


def roles_with(action: str) -> list[str]:
    """The roles that permit ``action``."""
    return [role for role, actions in ROLE_ACTIONS.items() if action in actions]
