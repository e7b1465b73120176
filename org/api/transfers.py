"""REST API of transfers: the list filtered by the page's FilterSet, the request and each step through
the services, which decide which side may take it (a refusal is a 404)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedModelViewSet
from core.scoping import Action
from core.web import api_filter_list

from .. import selectors, services
from ..choices import MEMBER_LEVELS
from ..filtersets import TransferFilterSet
from ..models import OrgUnit, Transfer, TransferEvent
from .common import ScopedMemberField


class TransferEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = TransferEvent
        fields = ["at", "actor", "from_state", "to_state", "reason"]


class TransferSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    events = TransferEventSerializer(many=True, read_only=True)

    class Meta:
        model = Transfer
        fields = ["id", "member", "member_name", "from_unit", "from_outside", "to_unit", "letter_no", "state",
                  "batch", "return_reason", "completed_on", "note", "created_at", "events"]
        read_only_fields = fields


class TransferRequestSerializer(serializers.Serializer):
    """The sending side asks: the member must be in the caller's MOVE scope; the receiving unit may be any
    unit that holds members (the receiving side approves)."""

    member = ScopedMemberField(scope_action=Action.MOVE)
    to_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(level__in=MEMBER_LEVELS))
    letter_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferStepSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TransferViewSet(ScopedModelViewSet):
    """Transfers whose sending or receiving unit is in scope. ``state`` filter. Create = request (sending
    side); ``POST …/approve/``, ``…/return/ {"reason"}`` and ``…/complete/`` call the services, which
    decide which side may take each step (a refusal is a 404)."""

    http_method_names = ["get", "post", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "approve": Action.MOVE, "return_": Action.MOVE,
                     "complete": Action.MOVE}
    filter_backends: list = []

    def base_queryset(self):
        return Transfer.objects.select_related("member", "from_unit", "from_outside", "to_unit", "batch")

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, TransferFilterSet, selectors.transfer_list(user=self.request.user))
        return rows.prefetch_related("events__actor")

    def get_serializer_class(self):
        if self.action == "create":
            return TransferRequestSerializer
        if self.action in ("approve", "return_", "complete"):
            return TransferStepSerializer
        return TransferSerializer

    def _read(self, transfer, code=status.HTTP_200_OK):
        transfer = Transfer.objects.prefetch_related("events__actor").get(pk=transfer.pk)
        return Response(TransferSerializer(transfer, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = TransferRequestSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        transfer = services.transfer_request(actor=request.user, **serializer.validated_data)
        return self._read(transfer, status.HTTP_201_CREATED)

    def _step(self, request):
        transfer = self.get_object()
        serializer = TransferStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return transfer, serializer.validated_data["reason"]

    @extend_schema(request=TransferStepSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        transfer, reason = self._step(request)
        return self._read(services.transfer_approve(actor=request.user, transfer=transfer, reason=reason))

    @extend_schema(request=TransferStepSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        transfer, reason = self._step(request)
        return self._read(services.transfer_return(actor=request.user, transfer=transfer, reason=reason))

    @extend_schema(request=TransferStepSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        transfer, _reason = self._step(request)
        return self._read(services.transfer_complete(actor=request.user, transfer=transfer))
