"""API of the delegated service items 下放服务事项 (filters: ``filtersets.DelegatedItemFilter``: ``q``,
``receiving_level``, ``department``, ``unit`` code, ``status`` in force / withdrawn / all). Reads for who
sees the district's catalogue; create, update and ``POST …/withdraw/`` for CHANGE over the district root
(others: 404), through the services, each write one history row."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action, ScopeDenied
from core.web import api_filter_list

from .. import selectors, services
from ..filtersets import DelegatedItemFilter
from ..models import DelegatedServiceItem, DelegatedServiceItemEvent
from ..services.inspections import DELEGATED_ITEM_FIELDS
from .common import DepartmentField


class DelegatedItemEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = DelegatedServiceItemEvent
        fields = ["action", "at", "actor", "changes", "reason"]
        read_only_fields = fields


class DelegatedItemSerializer(serializers.ModelSerializer):
    department = DepartmentField()
    department_name = serializers.CharField(source="department.name", read_only=True)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=1000)

    class Meta:
        model = DelegatedServiceItem
        fields = ["id", "code", "name", "department", "department_name", "receiving_level", "delegated_on", "note",
                  "is_active", "withdrawn_on", "withdrawal_reason", "owner", "reason"]
        read_only_fields = ["id", "is_active", "withdrawn_on", "withdrawal_reason", "owner"]
        extra_kwargs = {"code": {"validators": []}}  # uniqueness is the service's (full_clean)


class DelegatedItemDetailSerializer(DelegatedItemSerializer):
    events = DelegatedItemEventSerializer(many=True, read_only=True)

    class Meta(DelegatedItemSerializer.Meta):
        fields = [*DelegatedItemSerializer.Meta.fields, "events"]


class WithdrawSerializer(serializers.Serializer):
    withdrawn_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class DelegatedItemViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    write_actions = {**ScopedViewSetMixin.write_actions, "withdraw": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return DelegatedServiceItem.objects.select_related("department")

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, DelegatedItemFilter,
                                         selectors.delegated_item_list(user=self.request.user, active=None))
        return rows

    def get_object(self):
        obj = super().get_object()
        if self.action == "retrieve":
            obj = DelegatedServiceItem.objects.prefetch_related("events__actor").select_related("department").get(
                pk=obj.pk)
        return obj

    def get_serializer_class(self):
        return DelegatedItemDetailSerializer if self.action == "retrieve" else DelegatedItemSerializer

    def perform_create(self, serializer):
        keeper = selectors.delegated_item_keeper(user=self.request.user)
        if keeper is None:
            raise ScopeDenied(Action.CHANGE)
        data = dict(serializer.validated_data)
        data.pop("reason", None)
        serializer.instance = services.delegated_service_item_create(actor=self.request.user, owner=keeper, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        item = serializer.instance
        changes = {f: v for f, v in data.items() if f in DELEGATED_ITEM_FIELDS}
        serializer.instance = services.delegated_service_item_update(actor=self.request.user, item=item,
                                                                     reason=reason, **changes)

    @extend_schema(request=WithdrawSerializer, responses=DelegatedItemSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        item = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.delegated_service_item_withdraw(actor=request.user, item=item, **serializer.validated_data)
        return Response(DelegatedItemSerializer(item, context=self.get_serializer_context()).data)
