"""Admin: schemes and indicators are edited here through the services (drafts only; a scheme in use is
refused), every other record is read-only (written by the services), and every list is scoped; the
results of individuals are narrowed like everywhere else (``selectors``)."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from core.scoping import Action, ScopeDenied, has_any_scope

from . import models as m
from . import selectors, services
from .services.schemes import INDICATOR_FIELDS, SCHEME_FIELDS


class ReadOnlyAdmin(admin.ModelAdmin):
    list_select_related = True

    def get_queryset(self, request):
        return super().get_queryset(request).for_user(request.user, Action.VIEW)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and has_any_scope(request.user, Action.VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(ReadOnlyAdmin):
    """Edited through the scheme services (which check scope, refuse schemes in use and audit)."""

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request) and has_any_scope(request.user, Action.CHANGE)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def _run(self, request, fn, **kwargs):
        try:
            return fn(actor=request.user, **kwargs)
        except ScopeDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            raise PermissionDenied(str(exc)) from exc


@admin.register(m.Scheme)
class SchemeAdmin(ServiceAdmin):
    list_display = ("year", "assessee_kind", "name", "state", "base_excellent_pct", "regular_weight",
                    "review_weight", "vote_weight")
    list_filter = ("year", "assessee_kind", "state")
    fields = ("owner", "year", "assessee_kind", *SCHEME_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return ("owner", "year", "assessee_kind") if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            from org.models import OrgUnit

            kwargs["queryset"] = OrgUnit.objects.for_user(request.user, Action.CHANGE).filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data[f] for f in SCHEME_FIELDS if f in form.cleaned_data}
        if change:
            saved = self._run(request, services.scheme_update, scheme=obj, **values)
        else:
            saved = self._run(request, services.scheme_create, owner=form.cleaned_data["owner"],
                              year=form.cleaned_data["year"], assessee_kind=form.cleaned_data["assessee_kind"],
                              **values)
        obj.pk = saved.pk


@admin.register(m.Indicator)
class IndicatorAdmin(ServiceAdmin):
    list_display = ("scheme", "number", "code", "name", "kind", "rule_kind", "weight", "maximum", "step", "cap")
    list_filter = ("kind", "scheme__year")
    fields = ("scheme", *INDICATOR_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return ("scheme",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "scheme":
            kwargs["queryset"] = m.Scheme.objects.for_user(request.user, Action.CHANGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        values = {f: form.cleaned_data[f] for f in INDICATOR_FIELDS if f in form.cleaned_data}
        if change:
            saved = self._run(request, services.indicator_update, indicator=obj, **values)
        else:
            saved = self._run(request, services.indicator_create, scheme=form.cleaned_data["scheme"], **values)
        obj.pk = saved.pk


@admin.register(m.RegularAssessment)
class RegularAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("period", "assessee_key", "unit", "reviewer_unit", "deadline", "state", "score", "grade")
    list_filter = ("state", "grade", "period")

    def get_queryset(self, request):
        return selectors.regular_list(user=request.user)


@admin.register(m.YearResult)
class YearResultAdmin(ReadOnlyAdmin):
    list_display = ("year", "assessee_key", "unit", "reviewer_unit", "regular_avg", "review_score", "total", "grade",
                    "frozen")
    list_filter = ("year", "grade", "frozen")

    def get_queryset(self, request):
        return selectors.year_result_list(user=request.user)


for model in (m.Lapse, m.QuotaOverride, m.YearClose, m.YearCloseEvent):
    admin.site.register(model, ReadOnlyAdmin)
