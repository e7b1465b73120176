"""Admin of outside units (departments, enterprises, organisations), written through their services."""
from django.contrib import admin

from core.admin import ScopedAdminMixin

from .. import services
from ..models import OutsideUnit
from .common import form_values


@admin.register(OutsideUnit)
class OutsideUnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "registered_at", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "short_name")
    list_select_related = ("registered_at",)

    def service_save(self, request, obj, form, change):
        if change:
            changed = [f for f in form.changed_data if f in services.OUTSIDE_EDITABLE_FIELDS]
            services.outside_unit_update(actor=request.user, outside_unit=obj, **form_values(form, changed))
            return
        created = services.outside_unit_create(actor=request.user, **form_values(form, form.fields))
        obj.pk = created.pk
