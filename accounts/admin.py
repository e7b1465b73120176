from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdminMixin
from core.scoping import Action

from .models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    fk_name = "user"
    autocomplete_fields = ("unit",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users are managed by superusers; role grants are edited inline or in the grant list."""

    fieldsets = DjangoUserAdmin.fieldsets + ((_("Profile"), {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "full_name")
    inlines = [RoleGrantInline]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(RoleGrant)
class RoleGrantAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """District admins grant roles within their subtree (who, which unit, which role, from when to when)."""

    write_action = Action.GRANT
    list_display = ("user", "role", "unit", "valid_from", "valid_to", "department")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    list_select_related = ("user", "unit", "department")
    autocomplete_fields = ("user",)

    def has_delete_permission(self, request, obj=None):
        # Deleting a grant ends it: that takes GRANT over its unit, not the DELETE of ordinary records.
        return self.has_module_permission(request) and self._obj_in_scope(request, obj, Action.GRANT)
