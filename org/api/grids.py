"""REST API of grids: ``/api/org/grids/`` — list (``unit``, ``mine``), detail with its matters and people,
create ``{community, code, name, note}``, ``PATCH`` ``{name, note, units, matters}``, ``POST …/people/``
(put a person on the grid) and ``POST …/end-assignment/`` ``{assignment, valid_to}``. Writes through the
services; a grid or community out of the caller's CHANGE scope is a 404 and nothing is written."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from core.api_views import ScopedModelViewSet
from core.scoping import Action, get_object_for_user
from core.web import api_filter_list

from .. import selectors, services
from ..choices import GridRole
from ..filtersets import GridFilterSet
from ..models import Grid, GridAssignment, OrgUnit


class GridSerializer(serializers.ModelSerializer):
    community_code = serializers.CharField(source="community.code", read_only=True)
    people = serializers.IntegerField(read_only=True)
    matter_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "community", "community_code", "code", "name", "note", "people", "matter_count"]
        read_only_fields = fields


class GridDetailSerializer(GridSerializer):
    units = serializers.SerializerMethodField()
    matters = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()

    class Meta(GridSerializer.Meta):
        fields = [*GridSerializer.Meta.fields, "units", "matters", "assignments"]
        read_only_fields = fields

    def get_units(self, obj):
        return [{"id": u.pk, "code": u.code, "name": u.name, "kind": u.kind} for u in selectors.grid_units(obj)]

    def get_matters(self, obj):
        return [{"id": m.pk, "code": m.code, "name": m.name} for m in obj.matters.order_by("sort_order", "code")]

    def get_assignments(self, obj):
        return [{"id": a.pk, "person_name": a.person_name, "role": a.role, "member": a.member_id, "user": a.user_id,
                 "building": a.building_id, "phone": a.phone, "valid_from": a.valid_from, "valid_to": a.valid_to}
                for a in selectors.grid_assignments(obj)]


class GridCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GridUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    units = serializers.ListField(child=serializers.IntegerField(), required=False)
    matters = serializers.ListField(child=serializers.IntegerField(), required=False)


class AssignSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=GridRole.choices)
    member = serializers.IntegerField(required=False, allow_null=True, default=None)
    user = serializers.IntegerField(required=False, allow_null=True, default=None)
    person_name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    building = serializers.IntegerField(required=False, allow_null=True, default=None)
    valid_from = serializers.DateField()


class EndAssignmentSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)


class GridViewSet(ScopedModelViewSet):
    """Grids of communities in scope (a grid worker's grids: those of the community where they hold their
    role; ``mine=true``: those they are assigned to). Filters: ``unit`` (code), ``mine``."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "people": Action.CHANGE, "end_assignment": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return selectors.grid_list(user=self.request.user)

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, GridFilterSet, selectors.grid_list(user=self.request.user))
        return rows

    def get_object(self):
        action_ = self.write_actions.get(self.action, Action.VIEW)
        qs = (selectors.grid_list(user=self.request.user) if action_ == Action.VIEW
              else Grid.objects.select_related("community"))
        return get_object_for_user(qs, self.request.user, action_, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        return {"create": GridCreateSerializer, "partial_update": GridUpdateSerializer,
                "retrieve": GridDetailSerializer}.get(self.action, GridSerializer)

    def _detail(self, grid, code=status.HTTP_200_OK):
        grid = selectors.grid_list(user=self.request.user).get(pk=grid.pk)
        return Response(GridDetailSerializer(grid, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        s = GridCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        community = get_object_for_user(OrgUnit, request.user, Action.CHANGE, pk=data.pop("community"))
        grid = services.grid_create(actor=request.user, community=community, **data)
        return self._detail(grid, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        grid = self.get_object()
        s = GridUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        grid = services.grid_update(actor=request.user, grid=grid, **s.validated_data)
        return self._detail(grid)

    @extend_schema(request=AssignSerializer)
    @action(detail=True, methods=["post"])
    def people(self, request, pk=None):
        grid = self.get_object()
        s = AssignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        building_id, user_id = data.pop("building"), data.pop("user")
        building = OrgUnit.objects.filter(pk=building_id).first() if building_id else None
        if building_id and building is None:
            raise serializers.ValidationError({"building": ["not_found"]})
        user = None
        if user_id:
            c = grid.community
            user = User.objects.filter(pk=user_id, grants__unit__tree_id=c.tree_id,
                                       grants__unit__lft__gte=c.lft,
                                       grants__unit__rght__lte=c.rght).distinct().first()
            if user is None:
                raise serializers.ValidationError({"user": ["not_found"]})
        services.grid_assignment_create(actor=request.user, grid=grid, building=building, user=user, **data)
        return self._detail(grid, status.HTTP_201_CREATED)

    @extend_schema(request=EndAssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="end-assignment")
    def end_assignment(self, request, pk=None):
        grid = self.get_object()
        s = EndAssignmentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        assignment = GridAssignment.objects.filter(grid=grid, pk=s.validated_data["assignment"]).first()
        if assignment is None:
            raise serializers.ValidationError({"assignment": ["not_found"]})
        services.grid_assignment_end(actor=request.user, assignment=assignment, valid_to=s.validated_data["valid_to"])
        return self._detail(grid)
