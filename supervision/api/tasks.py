"""API of the task list: key tasks and assignment letters 交办书 with their progress reports
(filters: ``filtersets.KeyTaskFilter``, ``filtersets.LetterFilter``)."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action

from .. import selectors, services
from ..filtersets import KeyTaskFilter, LetterFilter
from ..models import AssignmentLetter, KeyTask, ProgressReport


class KeyTaskSerializer(serializers.ModelSerializer):
    area_number = serializers.IntegerField(source="area.number", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    letter_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = KeyTask
        fields = ["id", "year", "number", "title", "description", "deadline", "area", "area_number", "area_name",
                  "letter_count"]
        read_only_fields = fields


class KeyTaskViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Key tasks in scope (``year`` filter)."""

    serializer_class = KeyTaskSerializer
    filterset_class = KeyTaskFilter

    def base_queryset(self):
        return KeyTask.objects.select_related("area")

    def get_queryset(self):
        return selectors.key_task_list(user=self.request.user)


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "letter", "reported_on", "reported_by", "percent", "text", "completes"]
        read_only_fields = ["id", "letter", "reported_by"]
        extra_kwargs = {"reported_on": {"required": False}}


class LetterSerializer(serializers.ModelSerializer):
    task_number = serializers.IntegerField(source="task.number", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = AssignmentLetter
        fields = ["id", "number", "year", "task", "task_number", "task_title", "unit", "department", "role",
                  "issued_on", "deadline", "requirements", "state", "completed_on", "is_overdue"]
        read_only_fields = fields


class LetterViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Assignment letters 交办书 in scope (``year``, ``overdue``, ``department``). ``GET …/chain/``:
    its notices and interviews; ``GET|POST …/reports/``: progress reports (POST by the assignee)."""

    serializer_class = LetterSerializer
    filterset_class = LetterFilter
    write_actions = {"reports": Action.VIEW}

    def base_queryset(self):
        return AssignmentLetter.objects.with_overdue().select_related("task", "unit", "department")

    def get_queryset(self):
        return selectors.assignment_letter_list(user=self.request.user)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def chain(self, request, pk=None):
        letter = self.get_object()
        chain = selectors.letter_chain(letter=letter)
        return Response({"task": letter.task_id, "letter": letter.pk,
                         "notices": [n.pk for n in chain["notices"]],
                         "interviews": [i.pk for i in chain["interviews"]]})

    @extend_schema(request=ProgressReportSerializer, responses=ProgressReportSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def reports(self, request, pk=None):
        letter = self.get_object()
        if request.method == "POST":
            serializer = ProgressReportSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            data.setdefault("reported_on", timezone.localdate())
            report = services.progress_report_create(actor=request.user, letter=letter, **data)
            return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)
        return Response(ProgressReportSerializer(letter.reports.order_by("reported_on", "id"), many=True).data)
