"""API of the weekly visit records 周纪实 (filters: ``filtersets.VisitApiFilter``)."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action

from .. import selectors, services
from ..choices import CaseKind, Category
from ..filtersets import VisitApiFilter
from ..models import VisitRecord
from .common import TreeUnitField


class VisitRecordSerializer(serializers.ModelSerializer):
    place_code = serializers.CharField(source="place.code", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True)
    cadre_name = serializers.CharField(source="cadre.display_name", read_only=True)
    case_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = VisitRecord
        fields = ["id", "cadre", "cadre_name", "visited_on", "place", "place_code", "place_name", "households",
                  "households_count", "heard", "category", "needs_follow_up", "case_count"]
        read_only_fields = fields


class VisitCaseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.DIFFICULTY)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    parties = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_hard = serializers.BooleanField(default=False)


class VisitCreateSerializer(serializers.Serializer):
    place = TreeUnitField(scope_action=Action.RECORD)
    visited_on = serializers.DateField(required=False)
    heard = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    households = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    households_count = serializers.IntegerField(min_value=1, default=1)
    needs_follow_up = serializers.BooleanField(default=False)
    cases = VisitCaseSerializer(many=True, required=False)


class VisitRecordViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly visit records in scope. Filters: ``unit`` (code, subtree), ``mine=1``, ``date_from``,
    ``date_to``, ``category``, ``needs_follow_up``. POST records a visit and may raise cases
    (``cases: [{title, kind, …}]``) in the same transaction."""

    serializer_class = VisitRecordSerializer
    filterset_class = VisitApiFilter

    def base_queryset(self):
        return VisitRecord.objects.select_related("cadre", "place")

    def get_queryset(self):
        return selectors.visit_record_list(user=self.request.user)

    def get_serializer_class(self):
        return VisitCreateSerializer if self.action == "create" else VisitRecordSerializer

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitRecordSerializer})
    def create(self, request, *args, **kwargs):
        serializer = VisitCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("visited_on", timezone.localdate())
        visit = services.visit_record_create(actor=request.user, cases=data.pop("cases", []), **data)
        visit = selectors.visit_record_list(user=request.user).get(pk=visit.pk)
        return Response(VisitRecordSerializer(visit).data, status=status.HTTP_201_CREATED)
