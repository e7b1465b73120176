"""Users and their role grants at nodes of the organisation tree."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedQuerySet

from .roles import DEPARTMENT_ROLES, Role, actions_for, roles_with


class User(AbstractUser):
    """A person who logs in. What they may see and change comes from their RoleGrants."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # When the password last changed: API tokens issued before it no longer authenticate.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def display_name(self):
        return self.full_name or self.get_full_name() or self.username


class RoleGrantQuerySet(ScopedQuerySet):
    def active(self, day=None):
        """Grants valid on ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class RoleGrant(models.Model):
    """A role held by a user at a unit of the tree, valid from a date to an optional date.

    The grant covers the unit and everything below it. History is kept: a grant is ended by setting
    ``valid_to``, not deleted.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    unit = models.ForeignKey("org.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    department = models.ForeignKey(
        "org.OutsideUnit",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_grants",
        help_text=_("For department liaisons: the district department they act for."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = models.Manager.from_queryset(RoleGrantQuerySet)()
    scope_unit_path = "unit"

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        ordering = ["user__username", "unit__lft"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="rolegrant_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def is_active_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    # What core.scoping reads of a grant (it names no model; settings.SCOPE_GRANT_MODEL names this one).
    @property
    def actions(self) -> frozenset[str]:
        return actions_for(self.role)

    @property
    def is_department_grant(self) -> bool:
        """Held for a district department (``department``), not for the tree: gives no subtree scope."""
        return self.role in DEPARTMENT_ROLES

    @staticmethod
    def tree_roles_with(action: str) -> list[str]:
        return [r for r in roles_with(action) if r not in DEPARTMENT_ROLES]

    @staticmethod
    def department_roles_with(action: str) -> list[str]:
        return [r for r in roles_with(action) if r in DEPARTMENT_ROLES]
