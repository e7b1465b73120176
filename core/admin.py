"""Scoped admin: the Django admin obeys the same tree scope as every other path."""
from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from .audit import unit_of
from .models import AuditLog
from .scoping import (
    Action,
    ScopeDenied,
    has_any_scope,
    model_scope_q,
    object_in_scope,
)


class ScopedAdminMixin:
    """Querysets, permissions and foreign-key choices limited to the user's subtree.

    Subclasses set ``scope_unit_path`` via the model. Writes should go through services: override
    ``service_save``; the default refuses a save that would leave the user's scope.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).filter(model_scope_q(self.model, request.user, Action.VIEW))

    #: the action a write needs (grants use GRANT, everything else CHANGE)
    write_action = Action.CHANGE

    def _obj_in_scope(self, request, obj, action):
        if obj is None:
            return has_any_scope(request.user, action)
        return object_in_scope(request.user, action, obj)

    # Permissions come from the role grants (roles in code), not from Django model permissions.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and has_any_scope(request.user, Action.VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._obj_in_scope(request, obj, Action.VIEW)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request) and has_any_scope(request.user, self.write_action)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._obj_in_scope(request, obj, self.write_action)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._obj_in_scope(request, obj, Action.DELETE)

    def _pickable(self, db_field, request, kwargs):
        # The default choices are every related row (e.g. every unit of the district for Grid.units):
        # a scoped related model offers only what the user may pick.
        manager = db_field.related_model._default_manager
        if hasattr(manager, "pickable_by"):
            kwargs["queryset"] = manager.pickable_by(request.user, self.write_action)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._pickable(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._pickable(db_field, request, kwargs))

    def get_list_filter(self, request):
        # RelatedFieldListFilter lists every related row; only RelatedOnlyFieldListFilter respects scope.
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                field = self.model._meta.get_field(item.split("__")[0])
                if isinstance(field, models.ForeignKey):
                    item = (item, RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

    def save_model(self, request, obj, form, change):
        try:
            self.service_save(request, obj, form, change)
        except ScopeDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:  # pragma: no cover - forms validate first
            raise PermissionDenied(str(exc)) from exc

    def service_save(self, request, obj, form, change):
        """The fallback for models without a service of their own: the scope check and one audit row."""
        from .audit import audit_write, snapshot

        if not self._obj_in_scope(request, obj, self.write_action):
            raise ScopeDenied(self.write_action)
        with transaction.atomic():
            before = snapshot(type(obj)._default_manager.filter(pk=obj.pk).first()) if change else None
            super().save_model(request, obj, form, change)
            audit_write(actor=request.user, action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
                        obj=obj, before=before, after=snapshot(obj))

    def delete_model(self, request, obj):
        """Deletes in the admin leave an audit row (with the deleted row's fields) like any other write."""
        from .audit import record, snapshot

        with transaction.atomic():
            unit, before = unit_of(obj), snapshot(obj)
            label, pk, text = obj._meta.label_lower, str(obj.pk), str(obj)
            super().delete_model(request, obj)
            record(kind=AuditLog.Kind.WRITE, action=f"{obj._meta.model_name}.delete", actor=request.user, unit=unit,
                   object_type=label, object_id=pk, object_repr=text, before=before)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only; district admins read the log in the browser at /audit/ with subtree filters."""

    list_display = ("at", "kind", "action", "actor_username", "object_repr", "unit", "ip")
    list_filter = ("kind",)
    search_fields = ("actor_username", "action", "object_repr")
    date_hierarchy = "at"

    def get_queryset(self, request):
        from .selectors import audit_log_list

        return audit_log_list(user=request.user)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and has_any_scope(request.user, Action.AUDIT)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
