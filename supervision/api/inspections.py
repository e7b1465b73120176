"""API of the supervision notices 督办通报 (filters: ``filtersets.NoticeFilter``)."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action

from .. import selectors, services
from ..filtersets import NoticeFilter
from ..models import SupervisionNotice


class NoticeSerializer(serializers.ModelSerializer):
    interviews = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNotice
        fields = ["id", "cause_kind", "key_task", "letter", "case", "finding", "unit", "department", "period", "state",
                  "number", "text", "issued_on", "interviews"]
        read_only_fields = fields

    def get_interviews(self, notice) -> list[int]:
        return [i.pk for i in notice.interviews.all()]


class NoticeIssueSerializer(serializers.Serializer):
    issued_on = serializers.DateField(required=False)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class NoticeWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


class NoticeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Supervision notices in scope (``state``, ``period``, ``unit`` code, ``department``). District staff
    ``POST …/issue/`` and ``…/withdraw/`` drafts (CHANGE scope)."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter
    write_actions = {"issue": Action.CHANGE, "withdraw": Action.CHANGE}

    def base_queryset(self):
        return SupervisionNotice.objects.prefetch_related("interviews")

    def get_queryset(self):
        return selectors.supervision_notice_list(user=self.request.user).prefetch_related("interviews")

    @extend_schema(request=NoticeIssueSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        notice = self.get_object()
        serializer = NoticeIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notice = services.supervision_notice_issue(actor=request.user, notice=notice,
                                                   issued_on=data.get("issued_on") or timezone.localdate(),
                                                   text=data["text"])
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=NoticeWithdrawSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        notice = self.get_object()
        serializer = NoticeWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.supervision_notice_withdraw(actor=request.user, notice=notice,
                                                      reason=serializer.validated_data["reason"])
        return Response(NoticeSerializer(notice).data)
