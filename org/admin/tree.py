"""Admin of the tree: units (written through the tree services), grids, new-domain organisations."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from mptt.admin import MPTTModelAdmin

from core.admin import ScopedAdminMixin
from core.scoping import ScopeDenied

from .. import services
from ..models import Grid, GridAssignment, NewDomainOrg, OrgUnit
from ..services.tree import UNIT_EDITABLE_FIELDS
from .common import form_values


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdminMixin, MPTTModelAdmin):
    list_display = ("name", "code", "kind", "party_org_type", "party_secretary")
    list_filter = ("kind", "party_org_type")
    search_fields = ("name", "code")
    fields = ["parent", *UNIT_EDITABLE_FIELDS]
    mptt_level_indent = 16
    list_per_page = 100

    def service_save(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in UNIT_EDITABLE_FIELDS if f in form.cleaned_data}
        if not change:
            created = services.org_unit_create(
                actor=request.user, parent=form.cleaned_data.get("parent"),
                **{k: v for k, v in data.items()},
            )
            obj.pk = created.pk
            return
        current = OrgUnit.objects.get(pk=obj.pk)
        changed = {f: data[f] for f in form.changed_data if f in data}
        if changed:
            services.org_unit_update(actor=request.user, unit=current, **changed)
        if "parent" in form.changed_data and form.cleaned_data.get("parent") is not None:
            services.org_unit_move(actor=request.user, unit=current, new_parent=form.cleaned_data["parent"])

    def delete_model(self, request, obj):
        try:
            services.org_unit_delete(actor=request.user, unit=obj)
        except (ScopeDenied, ValidationError) as exc:
            raise PermissionDenied(str(exc)) from exc

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class GridAssignmentInline(admin.TabularInline):
    model = GridAssignment
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Grid)
class GridAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "community")
    search_fields = ("name", "code")
    list_select_related = ("community",)
    filter_horizontal = ("units",)
    inlines = [GridAssignmentInline]


@admin.register(NewDomainOrg)
class NewDomainOrgAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "unit", "party_org_type")
    list_filter = ("kind", "party_org_type")
    search_fields = ("name", "code")
    list_select_related = ("unit",)

    def service_save(self, request, obj, form, change):
        if change:
            services.new_domain_org_update(actor=request.user, org=obj, **form_values(form, form.changed_data))
            return
        values = form_values(form, form.fields)
        created = services.new_domain_org_create(actor=request.user, **values)
        obj.pk = created.pk
