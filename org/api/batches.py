"""REST API of batch transfers (组织关系移交): ``/api/org/transfer-batches/``.

List (``unit``: code with its subtree, run there or sending members there; ``state``), detail with the
items the caller sees, create from JSON rows or an uploaded file (multipart ``file``) — every row is
matched and routed first (``org.batch_import``), any bad row is a 400 listing ``{row, column, code,
message}`` and nothing is written — and ``POST …/{id}/complete/`` (``transfer_batch_complete``)."""
from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api_views import ScopedModelViewSet
from core.scoping import Action, get_object_for_user
from core.spreadsheets import SpreadsheetError
from core.web import api_filter_list

from .. import selectors, services
from ..batch_import import json_rows, read_batch_file, resolve_batch_rows
from ..choices import Level
from ..filtersets import TransferBatchFilterSet
from ..forms.common import clean_import_file
from ..models import Transfer, TransferBatch
from .common import OutsideUnitChoiceField, ScopedUnitField

MAX_JSON_ROWS = 20000


class TransferBatchItemSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    id_number_masked = serializers.CharField(source="member.id_number_masked", read_only=True)
    to_unit_code = serializers.CharField(source="to_unit.code", read_only=True)

    class Meta:
        model = Transfer
        fields = ["id", "member", "member_name", "id_number_masked", "to_unit", "to_unit_code", "state",
                  "return_reason", "completed_on"]
        read_only_fields = fields


class TransferBatchSerializer(serializers.ModelSerializer):
    source_code = serializers.CharField(source="source.code", read_only=True)
    registered_at_code = serializers.CharField(source="registered_at.code", read_only=True)
    items = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = TransferBatch
        fields = ["id", "source", "source_code", "document_no", "registered_at", "registered_at_code", "state",
                  "note", "items", "created_at", "completed_at"]
        read_only_fields = fields


class TransferBatchCreateSerializer(serializers.Serializer):
    """The header and either ``rows`` (JSON: ``id_number``, ``name``, ``phone``, ``to_unit_code``,
    ``address``, ``note``) or ``file`` (xlsx/csv with the template's columns)."""

    source = OutsideUnitChoiceField()
    document_no = serializers.CharField(max_length=64)
    registered_at = ScopedUnitField(scope_action=Action.CHANGE)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    rows = serializers.ListField(child=serializers.DictField(), required=False, max_length=MAX_JSON_ROWS)
    file = serializers.FileField(required=False)

    def validate_registered_at(self, unit):
        if unit.level >= Level.BUILDING:
            raise serializers.ValidationError(_("A batch is run by a district, street, community or compound."),
                                              code="level")
        return unit

    def validate_file(self, f):
        from django import forms

        try:
            return clean_import_file(f)
        except forms.ValidationError as exc:
            raise serializers.ValidationError(exc.messages, code="file") from exc

    def validate(self, data):
        if bool(data.get("rows")) == bool(data.get("file")):
            raise serializers.ValidationError({"rows": [_("Give either rows or a file.")]}, code="required")
        data["document_no"] = data["document_no"].strip()
        if TransferBatch.objects.filter(source=data["source"], document_no=data["document_no"]).exists():
            raise serializers.ValidationError({"document_no": [
                _("This source unit already has a batch with this document number.")]}, code="duplicate")
        return data


class TransferBatchViewSet(ScopedModelViewSet):
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    write_actions = {**ScopedModelViewSet.write_actions, "complete": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return TransferBatch.objects.select_related("source", "registered_at")

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, TransferBatchFilterSet,
                                         selectors.transfer_batch_list(user=self.request.user))
        return rows

    def get_serializer_class(self):
        if self.action == "create":
            return TransferBatchCreateSerializer
        return TransferBatchSerializer

    def _batch(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404 from None
        return selectors.transfer_batch_get(user=self.request.user, pk=pk)

    def _detail(self, batch, code=status.HTTP_200_OK):
        user = self.request.user
        data = TransferBatchSerializer(batch, context=self.get_serializer_context()).data
        data["items"] = TransferBatchItemSerializer(
            selectors.transfer_batch_items(user=user, batch=batch), many=True).data
        preview = services.transfer_batch_preview(user=user, batch=batch)
        data["preview"] = {"total": preview["total"], "open": preview["open"], "by_state": preview["by_state"],
                           "by_unit": [{"unit": u.pk, "code": u.code, "members": n} for u, n in preview["by_unit"]],
                           "problems": [{"transfer": pk, "code": c} for pk, c in preview["problems"]],
                           "can_complete": preview["can_complete"]}
        return Response(data, status=code)

    @extend_schema(responses=TransferBatchSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._detail(self._batch())

    @extend_schema(request=TransferBatchCreateSerializer, responses=TransferBatchSerializer)
    def create(self, request, *args, **kwargs):
        serializer = TransferBatchCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("file") is not None:
            try:
                rows = read_batch_file(data["file"], filename=data["file"].name)
            except SpreadsheetError as exc:
                raise ValidationError({"file": [exc.message]}, code=exc.code) from exc
        else:
            rows = json_rows(data["rows"])
        plan = resolve_batch_rows(actor=request.user, source=data["source"], registered_at=data["registered_at"],
                                  rows=rows)
        if not plan.ok:
            return Response({"rows": [e.as_dict() for e in plan.errors] or [
                {"row": None, "column": "", "code": "empty", "message": str(_("The list has no rows."))}]},
                status=status.HTTP_400_BAD_REQUEST)
        batch = services.transfer_batch_create(actor=request.user, source=data["source"],
                                               document_no=data["document_no"],
                                               registered_at=data["registered_at"], note=data["note"],
                                               items=plan.items)
        return self._detail(selectors.transfer_batch_get(user=request.user, pk=batch.pk), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TransferBatchSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        batch = get_object_for_user(TransferBatch, request.user, Action.CHANGE, pk=self._batch().pk)
        services.transfer_batch_complete(actor=request.user, batch=batch)
        return self._detail(selectors.transfer_batch_get(user=request.user, pk=batch.pk))
