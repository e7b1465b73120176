from contextlib import contextmanager

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import ScopedAdminMixin
from core.scoping import Action, ScopeDenied

from . import services
from .models import RoleGrant, User
from .services import GRANT_EDITABLE_FIELDS


@contextmanager
def _refused_as_403():
    """A grant write the services refuse (out of scope, or a rule the form could not see) answers 403."""
    try:
        yield
    except ScopeDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        raise PermissionDenied("; ".join(exc.messages)) from exc


class RoleGrantForm(forms.ModelForm):
    """The grant rules of ``accounts.services`` shown as form errors, before anything is written."""

    class Meta:
        model = RoleGrant
        fields = "__all__"

    def _post_clean(self):
        super()._post_clean()  # builds the instance from the form and runs the model's validation
        try:
            services.role_grant_clean(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class RoleGrantInline(admin.TabularInline):
    """Grants on the user page; saved through the grant services (a deleted row is ended, not deleted)."""

    model = RoleGrant
    form = RoleGrantForm
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleGrant:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # fills new/changed/deleted_objects, writes nothing
        actor = request.user
        with _refused_as_403():
            for grant in formset.deleted_objects:
                services.role_grant_end(actor=actor, grant=grant)
            for grant, changed in formset.changed_objects:
                fields = [f for f in changed if f in GRANT_EDITABLE_FIELDS]
                if fields:
                    services.role_grant_update(actor=actor, grant=grant, **{f: getattr(grant, f) for f in fields})
            for grant in formset.new_objects:
                services.role_grant_create(actor=actor, user=form.instance,
                                           **{f: getattr(grant, f) for f in GRANT_EDITABLE_FIELDS})


@admin.register(RoleGrant)
class RoleGrantAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """District admins grant roles within their subtree (who, which unit, which role, from when to when).

    Every write goes through ``accounts.services``; deleting a grant here ends it (``valid_to``), the row
    is kept."""

    form = RoleGrantForm
    write_action = Action.GRANT
    list_display = ("user", "role", "unit", "valid_from", "valid_to", "department")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name", "unit__code")
    list_select_related = ("user", "unit", "department")
    autocomplete_fields = ("user",)

    def get_readonly_fields(self, request, obj=None):
        # A grant belongs to one user for good: grant the other user a grant of their own.
        return ("user",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        # Deleting a grant ends it: that takes GRANT over its unit, not the DELETE of ordinary records.
        return self.has_module_permission(request) and self._obj_in_scope(request, obj, Action.GRANT)

    def service_save(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in GRANT_EDITABLE_FIELDS if f in form.cleaned_data}
        if change:
            changed = {f: data[f] for f in form.changed_data if f in data}
            if changed:
                services.role_grant_update(actor=request.user, grant=obj, **changed)
            return
        created = services.role_grant_create(actor=request.user, user=form.cleaned_data["user"], **data)
        obj.pk = created.pk

    def delete_model(self, request, obj):
        with _refused_as_403():
            services.role_grant_end(actor=request.user, grant=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
