"""REST API of the new-domain party organisations: the list filtered by the page's FilterSet (``q``,
``kind``, ``unit`` code with its subtree, ``status`` current / ended / all), detail, create, update and
``POST …/end/`` through the services; ``GET …/coverage/`` is the page's coverage per kind."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedModelViewSet
from core.scoping import Action
from core.web import api_filter_list

from .. import selectors, services
from ..filtersets import NewDomainOrgFilterSet
from ..models import NewDomainOrg
from .common import ScopedUnitField


class NewDomainOrgSerializer(serializers.ModelSerializer):
    unit = ScopedUnitField(scope_action=Action.CHANGE)
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = NewDomainOrg
        fields = ["id", "kind", "code", "name", "unit", "unit_code", "party_org_type", "party_org_founded",
                  "party_secretary", "address", "ended_on", "end_reason"]
        read_only_fields = ["id", "ended_on", "end_reason"]
        # uniqueness is the service's (full_clean): the same 400 on ``code`` whatever the door
        extra_kwargs = {"code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["unit"] = instance.unit_id
        return data


class NewDomainOrgEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class CoverageSerializer(serializers.Serializer):
    kind = serializers.CharField()
    total = serializers.IntegerField()
    with_party = serializers.IntegerField()
    posted = serializers.IntegerField(allow_null=True)
    active = serializers.IntegerField(allow_null=True)


class NewDomainOrgViewSet(ScopedModelViewSet):
    """New-domain organisations in the caller's scope. Create ``{kind, code, name, unit, …}`` into a street or
    community the caller may change (another subtree's unit is refused like a missing id); ``PATCH`` edits a
    current one; ``POST …/end/ {ended_on, reason}`` ends it (kept as history). No delete."""

    serializer_class = NewDomainOrgSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "end": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return NewDomainOrg.objects.select_related("unit")

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, NewDomainOrgFilterSet,
                                         selectors.new_domain_org_list(user=self.request.user))
        return rows

    def perform_create(self, serializer):
        serializer.instance = services.new_domain_org_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.new_domain_org_update(actor=self.request.user, org=serializer.instance,
                                                             **serializer.validated_data)

    @extend_schema(request=NewDomainOrgEndSerializer, responses=NewDomainOrgSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        org = self.get_object()
        serializer = NewDomainOrgEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        org = services.new_domain_org_end(actor=request.user, org=org, **serializer.validated_data)
        return Response(self.get_serializer(org).data)

    @extend_schema(responses=CoverageSerializer(many=True))
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        rows = self.get_queryset()
        return Response(CoverageSerializer(selectors.new_domain_coverage(rows), many=True).data)
