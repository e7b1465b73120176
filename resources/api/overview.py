from __future__ import annotations

from rest_framework import serializers, viewsets

from core.api_views import ScopedViewSetMixin

from .. import selectors
from ..filtersets import AllocationFilter, PairingFilter, PremiseFilter, TrainingFilter
from ..models import FundAllocation, Pairing, Premise, TrainingSession


class TrainingSerializer(serializers.ModelSerializer):
    attendance_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = TrainingSession
        fields = ["id", "organiser", "topic", "place", "form", "starts_on", "ends_on", "attendance_count"]
        read_only_fields = fields


class TrainingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Training sessions organised in scope (``year``, ``form``)."""

    serializer_class = TrainingSerializer
    filterset_class = TrainingFilter

    def base_queryset(self):
        return TrainingSession.objects.all()

    def get_queryset(self):
        return selectors.training_session_list(user=self.request.user)


class FundSerializer(serializers.ModelSerializer):
    community_code = serializers.CharField(source="community.code", read_only=True)
    spent = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, default=0)

    class Meta:
        model = FundAllocation
        fields = ["id", "community", "community_code", "year", "kind", "source", "project", "allocated_on",
                  "amount_yuan", "spent"]
        read_only_fields = fields


class FundViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Fund allocations to communities in scope, with what was spent (``unit``, ``year``, ``kind``)."""

    serializer_class = FundSerializer
    filterset_class = AllocationFilter

    def base_queryset(self):
        return FundAllocation.objects.select_related("community")

    def get_queryset(self):
        return selectors.fund_allocation_list(user=self.request.user)


class PremiseSerializer(serializers.ModelSerializer):
    community_code = serializers.CharField(source="community.code", read_only=True)
    renovation_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Premise
        fields = ["id", "community", "community_code", "name", "kind", "area_m2", "address", "renovation_count"]
        read_only_fields = fields


class PremiseViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Community premises in scope (``unit``)."""

    serializer_class = PremiseSerializer
    filterset_class = PremiseFilter

    def base_queryset(self):
        return Premise.objects.select_related("community")

    def get_queryset(self):
        return selectors.premise_list(user=self.request.user)


class PairingSerializer(serializers.ModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    community_code = serializers.CharField(source="community.code", read_only=True)
    difficulty_count = serializers.IntegerField(read_only=True, default=0)
    solved_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Pairing
        fields = ["id", "partner", "partner_name", "community", "community_code", "starts_on", "ends_on", "focus",
                  "difficulty_count", "solved_count"]
        read_only_fields = fields


class PairingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Pairings in scope; a department's liaisons see their department's (``unit``, ``year``)."""

    serializer_class = PairingSerializer
    filterset_class = PairingFilter

    def base_queryset(self):
        return Pairing.objects.select_related("partner", "community")

    def get_queryset(self):
        return selectors.pairing_list(user=self.request.user)
