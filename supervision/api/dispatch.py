"""API of the monthly dispatch sheets 月调度 (filters: ``filtersets.DispatchSheetFilter``)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin

from .. import selectors, services
from ..filtersets import DispatchSheetFilter
from ..models import DispatchSheet
from ..views.common import resolve_target


class DispatchSheetSerializer(serializers.ModelSerializer):
    target_name = serializers.SerializerMethodField()

    class Meta:
        model = DispatchSheet
        fields = ["id", "period", "unit", "department", "target_name", "period_start", "period_end", "generated_at",
                  "new_cases", "resolved_cases", "open_cases", "overdue_cases", "visits", "households_visited",
                  "communities_total", "communities_visited", "cadres_total", "cadres_visited", "tasks_due",
                  "detail"]
        read_only_fields = fields

    def get_target_name(self, sheet) -> str:
        return sheet.department.name if sheet.department_id else sheet.unit.name


class SheetGenerateSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$")
    street = serializers.IntegerField(required=False)
    department = serializers.IntegerField(required=False)
    regenerate = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if bool(attrs.get("street")) == bool(attrs.get("department")):
            raise serializers.ValidationError({"street": ["Give either street or department."]}, code="required")
        return attrs


class DispatchSheetViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly dispatch sheets in scope (``period`` filter). ``POST …/generate/ {period, street |
    department, regenerate}`` generates a sheet from the records (idempotent unless ``regenerate``)."""

    serializer_class = DispatchSheetSerializer
    filterset_class = DispatchSheetFilter

    def base_queryset(self):
        return DispatchSheet.objects.select_related("unit", "department")

    def get_queryset(self):
        return selectors.dispatch_sheet_list(user=self.request.user)

    @extend_schema(request=SheetGenerateSerializer, responses=DispatchSheetSerializer)
    @action(detail=False, methods=["post"])
    def generate(self, request):
        serializer = SheetGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = f"u{data['street']}" if data.get("street") else f"d{data['department']}"
        unit, department = resolve_target(target, request.user)
        sheet = services.dispatch_sheet_generate(actor=request.user, period=data["period"], unit=unit,
                                                 department=department, regenerate=data["regenerate"])
        return Response(DispatchSheetSerializer(sheet).data, status=status.HTTP_201_CREATED)
