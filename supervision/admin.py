"""Admin: the time-limit table is edited here; every other record is read-only (it is written by the
services, which keep history, scope and audit), and lists are scoped like everywhere else."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from core.scoping import Action, ScopeDenied, unit_in_scope
from org.models import OrgUnit

from . import models as m
from . import services


@admin.register(m.TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    """Edited by the district (CHANGE over every district root) through ``services.time_limit_set``."""

    list_display = ("category", "level", "days")
    list_filter = ("level",)
    list_editable = ("days",)
    ordering = ("category", "level")

    def _district(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        roots = list(OrgUnit.objects.filter(parent__isnull=True))
        return bool(roots) and all(unit_in_scope(user, Action.CHANGE, root) for root in roots)

    def has_module_permission(self, request):
        return self._district(request)

    def has_view_permission(self, request, obj=None):
        return self._district(request)

    def has_add_permission(self, request):
        return self._district(request)

    def has_change_permission(self, request, obj=None):
        return self._district(request)

    def has_delete_permission(self, request, obj=None):
        return self._district(request)

    def get_readonly_fields(self, request, obj=None):
        return ("category", "level") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        try:
            saved = services.time_limit_set(actor=request.user, category=obj.category, level=obj.level,
                                            days=obj.days)
        except (ScopeDenied, ValidationError) as exc:
            raise PermissionDenied from exc
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        try:
            services.time_limit_delete(actor=request.user, time_limit=obj)
        except ScopeDenied as exc:
            raise PermissionDenied from exc

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = True

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user, Action.VIEW)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = m.CaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "from_unit", "from_department", "to_unit", "to_department",
              "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    list_display = ("id", "title", "kind", "category", "unit", "level", "state", "registered_on", "due_on")
    list_filter = ("state", "kind", "level", "category", "is_hard")
    search_fields = ("title", "parties")
    date_hierarchy = "registered_on"
    inlines = [CaseEventInline]


@admin.register(m.VisitRecord)
class VisitRecordAdmin(ScopedReadOnlyAdmin):
    list_display = ("visited_on", "cadre", "place", "category", "households_count", "needs_follow_up")
    list_filter = ("category", "needs_follow_up")
    date_hierarchy = "visited_on"


@admin.register(m.CycleRun)
class CycleRunAdmin(ScopedReadOnlyAdmin):
    list_display = ("cycle", "period", "unit", "department", "claimed_at", "finished_at", "worker")
    list_filter = ("cycle",)


@admin.register(m.DispatchSheet)
class DispatchSheetAdmin(ScopedReadOnlyAdmin):
    list_display = ("period", "unit", "department", "new_cases", "resolved_cases", "open_cases", "overdue_cases",
                    "visits", "tasks_due")
    list_filter = ("period",)


@admin.register(m.DelegatedServiceItem)
class DelegatedServiceItemAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "department", "receiving_level", "delegated_on", "is_active", "withdrawn_on")
    list_filter = ("receiving_level", "is_active")
    search_fields = ("code", "name")


for model in (m.Consultation, m.ConsultationItem, m.DispatchMeeting, m.TaskArea, m.KeyTask, m.AssignmentLetter,
              m.ProgressReport, m.Inspection, m.Finding, m.RectificationItem, m.SupervisionNotice,
              m.AccountabilityInterview, m.VisitGap, m.DelegatedServiceItemEvent):
    admin.site.register(model, ScopedReadOnlyAdmin)
