"""Admin: scoped lists (``core.admin.ScopedAdminMixin``). Terms are added and edited through
``services.term_create`` / ``term_update``; every other record is read-only here (its pages and API
write through the services, which keep scope, history and the audit row); nothing is deleted."""
from django.contrib import admin

from core.admin import ScopedAdminMixin

from . import models as m
from . import services


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Term)
class TermAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("community", "number", "elected_on", "starts_on", "ends_on")
    list_filter = ("number",)
    search_fields = ("community__name", "community__code")
    fields = ("community", "number", "elected_on", "starts_on", "ends_on", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("community",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def service_save(self, request, obj, form, change):
        if change:
            changes = {f: form.cleaned_data[f] for f in form.changed_data if f in services.committees.TERM_FIELDS}
            saved = services.term_update(actor=request.user, term=obj, **changes) if changes else obj
        else:
            saved = services.term_create(actor=request.user, community=obj.community, number=obj.number,
                                         elected_on=obj.elected_on, starts_on=obj.starts_on, ends_on=obj.ends_on,
                                         note=obj.note)
        obj.pk = saved.pk


for model, display in [
    (m.Seat, ("person_name", "term", "party_post", "residents_post", "age_at_election", "education")),
    (m.Pairing, ("partner", "community", "starts_on", "ends_on")),
    (m.SupportRecord, ("pairing", "kind", "given_on", "amount_yuan")),
    (m.PairingDifficulty, ("pairing", "case")),
    (m.FundStandard, ("owner", "year", "community_class", "amount_yuan")),
    (m.FundAllocation, ("community", "year", "kind", "amount_yuan")),
    (m.FundSpending, ("allocation", "spent_on", "amount_yuan", "purpose")),
    (m.Premise, ("community", "name", "kind", "area_m2")),
    (m.RenovationProject, ("premise", "kind", "budget_yuan", "spent_yuan", "started_on", "accepted_on")),
    (m.IdleRevival, ("community", "name", "new_use", "area_m2", "revived_on")),
    (m.SharedVenue, ("host", "community", "name", "kind")),
    (m.TrainingSession, ("topic", "organiser", "form", "place", "starts_on", "ends_on")),
    (m.TrainingAttendance, ("session", "seat")),
    (m.CareerEvent, ("seat", "kind", "happened_on")),
    (m.StationedStaff, ("person_name", "department", "street", "starts_on", "ends_on")),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": display}))
