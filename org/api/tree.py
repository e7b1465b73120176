"""REST API of the organisation tree, scoped like every other path."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionField
from core.api_views import ScopedModelViewSet
from core.scoping import Action

from .. import services
from ..filtersets import OrgUnitFilter
from ..models import OrgUnit
from ..services.tree import UNIT_EDITABLE_FIELDS
from .common import ScopedUnitField


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = ScopedUnitField(allow_null=True, required=False)
    version = VersionField()

    class Meta:
        model = OrgUnit
        fields = ["id", "version", "code", "name", "level", "kind", "parent",
                  *[f for f in UNIT_EDITABLE_FIELDS if f not in ("code", "name", "kind")]]
        read_only_fields = ["id", "level"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["parent"] = instance.parent_id
        return data


class OrgUnitUpdateSerializer(OrgUnitSerializer):
    """Edits a unit's own fields; its place in the tree changes only through ``…/move/``."""

    parent = serializers.IntegerField(source="parent_id", read_only=True)

    class Meta(OrgUnitSerializer.Meta):
        read_only_fields = ["id", "level", "parent"]

    def validate(self, attrs):
        if "parent" in self.initial_data:
            raise serializers.ValidationError(
                {"parent": [_("A unit changes its place in the tree through “move”, not by editing it.")]},
                code="use_move")
        return super().validate(attrs)


class MoveSerializer(serializers.Serializer):
    parent = ScopedUnitField(scope_action=Action.MOVE)


class OrgUnitViewSet(ScopedModelViewSet):
    """Units of the tree in the caller's scope. Create under a parent you may change; move with
    ``POST …/move/ {"parent": id}``; delete leaves only."""

    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    write_actions = {**ScopedModelViewSet.write_actions, "move": Action.MOVE}

    def base_queryset(self):
        return OrgUnit.objects.order_by("tree_id", "lft")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return OrgUnitUpdateSerializer
        if self.action == "move":
            return MoveSerializer
        return OrgUnitSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        data.pop("version", None)
        serializer.instance = services.org_unit_create(actor=self.request.user, parent=parent, **data)

    def perform_update(self, serializer):
        serializer.instance = services.org_unit_update(
            actor=self.request.user, unit=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.org_unit_delete(actor=self.request.user, unit=instance)

    @extend_schema(request=MoveSerializer, responses=OrgUnitSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        unit = self.get_object()
        serializer = MoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        moved = services.org_unit_move(actor=request.user, unit=unit, new_parent=serializer.validated_data["parent"])
        return Response(OrgUnitSerializer(moved, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)
