"""Admin of the joint conference (read-only: the pages at /org/joint-conferences/ write through the
services) and of the catalogue of grid matters (written through its services)."""
from django.contrib import admin

from core.admin import ScopedAdminMixin

from .. import services
from ..models import ConferenceMemberUnit, GridMatter, JointConference, JointNeed, JointProject
from .common import form_values


class ReadOnlyMixin:
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberUnitInline(ReadOnlyMixin, admin.TabularInline):
    model = ConferenceMemberUnit
    extra = 0
    fields = ("outside_unit", "duty", "joined_on", "left_on")
    readonly_fields = fields


@admin.register(JointConference)
class JointConferenceAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "unit", "established_on")
    list_select_related = ("unit",)
    search_fields = ("name",)
    inlines = [MemberUnitInline]


@admin.register(JointNeed)
class JointNeedAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "unit", "conference", "raised_on", "state")
    list_filter = ("state",)
    list_select_related = ("unit", "conference")
    search_fields = ("title",)


@admin.register(JointProject)
class JointProjectAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "conference", "state", "matched_on", "completed_on")
    list_filter = ("state",)
    list_select_related = ("conference",)
    search_fields = ("title",)


@admin.register(GridMatter)
class GridMatterAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "registered_at", "department", "sort_order", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("registered_at", "department")
    search_fields = ("name", "code")
    fields = ("registered_at", "code", "name", "description", "department", "sort_order", "is_active")
    exclude = ("grids",)

    def get_readonly_fields(self, request, obj=None):
        return ("registered_at", "code") if obj is not None else ()

    def service_save(self, request, obj, form, change):
        if change:
            changed = [f for f in form.changed_data if f in services.MATTER_FIELDS]
            services.grid_matter_update(actor=request.user, matter=obj, **form_values(form, changed))
            return
        values = form_values(form, ("registered_at", "code", "name", "description", "department", "sort_order"))
        created = services.grid_matter_create(actor=request.user, **values)
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False  # withdrawn (``is_active``), never deleted: grids keep their history
