"""Admin of the member models: scoped like every admin page (``ScopedAdminMixin``), personal data masked.

Writes go through the services: a member's own fields are edited with ``member_update``; everything else
(creating members, imports, transfers, registrations, seats) happens on the browser pages, whose services
keep memberships and audit rows right, so the admin only lists and shows those records.
"""
from django.contrib import admin

from core.admin import ScopedAdminMixin

from .. import services
from ..models import (
    DualRegistration,
    ImportRecord,
    Member,
    Membership,
    PartTimeMember,
    Transfer,
    TransferBatch,
    TransferEvent,
)


class ReadOnlyScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("unit", "started_on", "ended_on", "reason", "end_reason", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "id_number_masked", "phone_masked", "gender", "birth_date", "unit", "category", "status")
    list_filter = ("category", "status", "standing", "education")
    search_fields = ("name", "unit__name", "unit__code")
    list_select_related = ("unit",)
    fields = ("name", "id_number_masked", "phone_masked", "gender", "birth_date", "education", "ethnicity",
              "joined_on", "standing", "category", "work_unit", "status", "residence", "unit", "outside_unit", "note")
    readonly_fields = ("id_number_masked", "phone_masked", "gender", "birth_date", "unit", "outside_unit")
    inlines = [MembershipInline]
    list_per_page = 100

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        editable = set(services.MEMBER_EDITABLE_FIELDS)
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in editable}
        if changes:
            services.member_update(actor=request.user, member=Member.objects.get(pk=obj.pk), **changes)


@admin.register(DualRegistration)
class DualRegistrationAdmin(ReadOnlyScopedAdmin):
    list_display = ("member", "community", "kind", "started_on", "ended_on")
    list_filter = ("kind",)
    list_select_related = ("member", "community")


@admin.register(PartTimeMember)
class PartTimeMemberAdmin(ReadOnlyScopedAdmin):
    list_display = ("person_name", "home_unit", "post", "seat", "committee_post", "term_from", "term_to")
    list_select_related = ("home_unit", "seat")
    search_fields = ("person_name",)


class TransferEventInline(admin.TabularInline):
    model = TransferEvent
    extra = 0
    fields = ("at", "actor", "from_state", "to_state", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyScopedAdmin):
    list_display = ("member", "from_unit", "from_outside", "to_unit", "state", "letter_no", "completed_on")
    list_filter = ("state",)
    list_select_related = ("member", "from_unit", "from_outside", "to_unit")
    inlines = [TransferEventInline]

    def get_queryset(self, request):  # either side of a transfer may see it
        return Transfer.objects.for_user(request.user).select_related("member", "from_unit", "to_unit")

    def _obj_in_scope(self, request, obj, action):
        if obj is None:
            return super()._obj_in_scope(request, obj, action)
        return Transfer.objects.for_user(request.user, action).filter(pk=obj.pk).exists()


@admin.register(TransferBatch)
class TransferBatchAdmin(ReadOnlyScopedAdmin):
    list_display = ("document_no", "source", "registered_at", "state", "completed_at")
    list_filter = ("state",)


@admin.register(ImportRecord)
class ImportRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ("created_at", "created_by", "unit", "file_name", "dry_run", "state", "total", "created",
                    "updated", "skipped", "errors")
    list_filter = ("state", "dry_run")
    exclude = ("file",)
