"""Admin: every governance record is written by the services (history, scope, audit), so the admin
shows them read-only and scoped like everywhere else; writes go through the pages and the API."""
from django.contrib import admin

from core.scoping import Action

from . import models as m


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


class TopicEventInline(admin.TabularInline):
    model = m.TopicEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "actor", "reason", "meeting")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.Topic)
class TopicAdmin(ScopedReadOnlyAdmin):
    list_display = ("id", "title", "unit", "source", "state", "raised_on")
    list_filter = ("state", "source")
    search_fields = ("title",)
    inlines = [TopicEventInline]


@admin.register(m.Meeting)
class MeetingAdmin(ScopedReadOnlyAdmin):
    list_display = ("id", "title", "unit", "held_on", "state")
    list_filter = ("state",)


@admin.register(m.Committee)
class CommitteeAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "unit", "kind", "term_start", "term_end")
    list_filter = ("kind",)


@admin.register(m.SocialOrganisation)
class SocialOrganisationAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "unit", "field", "stage", "stage_since", "filing_status")
    list_filter = ("stage", "field", "filing_status")
    search_fields = ("name",)


@admin.register(m.Posting)
class PostingAdmin(ScopedReadOnlyAdmin):
    list_display = ("person_name", "role", "unit", "started_on", "ended_on")
    list_filter = ("role",)


@admin.register(m.FloatingMember)
class FloatingMemberAdmin(ScopedReadOnlyAdmin):
    list_display = ("member", "origin_unit", "destination_unit", "destination_place", "left_on", "reported_on",
                    "registered_on")


@admin.register(m.Brand)
class BrandAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "unit", "started_on", "ended_on")
