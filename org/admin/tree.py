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
    """Read-only: people are put on and taken off grids on the grid page (``org:grid_detail``), through the
    services, with their audit rows."""

    model = GridAssignment
    extra = 0
    fields = ("person_name", "role", "member", "user", "building", "valid_from", "valid_to")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "community")
    search_fields = ("name", "code")
    list_select_related = ("community",)
    filter_horizontal = ("units",)
    inlines = [GridAssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        return ("community", "code") if obj is not None else ()

    def service_save(self, request, obj, form, change):
        if change:
            changed = {f: form.cleaned_data[f] for f in form.changed_data if f in services.GRID_FIELDS}
            units = form.cleaned_data["units"] if "units" in form.changed_data else None
            services.grid_update(actor=request.user, grid=obj, units=units, **changed)
            return
        d = form.cleaned_data
        created = services.grid_create(actor=request.user, community=d["community"], code=d["code"],
                                       name=d["name"], note=d.get("note", ""))
        if d.get("units"):
            services.grid_update(actor=request.user, grid=created, units=d["units"])
        obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        pass  # the units were written by the services above; the inline is read-only


@admin.register(NewDomainOrg)
class NewDomainOrgAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "kind", "unit", "party_org_type", "ended_on")
    list_filter = ("kind", "party_org_type")
    search_fields = ("name", "code")
    list_select_related = ("unit",)
    # Ending is ``new_domain_org_end`` (the end page / API action), never a field edit here.
    readonly_fields = ("ended_on", "end_reason")

    def service_save(self, request, obj, form, change):
        if change:
            services.new_domain_org_update(actor=request.user, org=obj, **form_values(form, form.changed_data))
            return
        values = form_values(form, form.fields)
        created = services.new_domain_org_create(actor=request.user, **values)
        obj.pk = created.pk
