"""API of the cases: the filtered list, registering a case, the history, the actions available now
and one endpoint per transition (input rules from the case page's forms; filters:
``filtersets.CaseApiFilter``)."""
from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action

from .. import selectors, services
from ..choices import CaseKind, CaseSource, Category, Priority, ResponsibleLevel
from ..filtersets import CaseApiFilter
from ..forms import CASE_ACTION_FORMS
from ..models import Case, CaseEvent
from .common import DepartmentField, TreeUnitField


class CaseSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, default=False)
    handler_unit_code = serializers.CharField(source="handler_unit.code", read_only=True, default=None)
    handler_department_name = serializers.CharField(source="handler_department.name", read_only=True, default=None)

    class Meta:
        model = Case
        fields = ["id", "kind", "source", "visit", "source_ref", "category", "unit", "unit_code", "title", "parties",
                  "description", "households_affected", "amount_yuan", "level", "handler_unit", "handler_unit_code",
                  "handler_department", "handler_department_name", "registered_on", "due_on", "state", "priority",
                  "is_hard", "is_overdue", "resolved_on", "resolution", "satisfaction", "followed_up_on"]
        read_only_fields = fields


class CaseRegisterSerializer(serializers.Serializer):
    unit = TreeUnitField(scope_action=Action.RECORD)
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    source = serializers.ChoiceField(choices=[c for c in CaseSource.choices if c[0] != CaseSource.VISIT])
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField()
    parties = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    source_ref = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    level = serializers.ChoiceField(choices=ResponsibleLevel.choices, default=ResponsibleLevel.COMMUNITY)
    department = DepartmentField(required=False, allow_null=True, default=None)
    households_affected = serializers.IntegerField(min_value=0, default=0)
    is_hard = serializers.BooleanField(default=False)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)


class TransitionSerializer(serializers.Serializer):
    """Input of a transition; which fields count depends on the action (same rules as the case page)."""

    reason = serializers.CharField(required=False, allow_blank=True)
    to_level = serializers.ChoiceField(choices=ResponsibleLevel.choices, required=False)
    department = serializers.IntegerField(required=False, allow_null=True)
    resolution = serializers.CharField(required=False)
    on = serializers.DateField(required=False)
    satisfaction = serializers.CharField(required=False)
    due_on = serializers.DateField(required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    is_hard = serializers.BooleanField(required=False)
    households_affected = serializers.IntegerField(required=False, min_value=0)
    amount_yuan = serializers.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=0)


class CaseEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)
    from_unit_code = serializers.CharField(source="from_unit.code", read_only=True, default=None)
    to_unit_code = serializers.CharField(source="to_unit.code", read_only=True, default=None)

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "at", "actor", "actor_name", "from_state", "to_state", "from_level", "to_level",
                  "from_unit", "from_unit_code", "from_department", "to_unit", "to_unit_code", "to_department",
                  "reason", "satisfaction", "due_on"]
        read_only_fields = fields


def _form_data(request):
    data = {}
    for key, value in request.data.items():
        if isinstance(value, bool):
            value = "on" if value else ""
        data[key] = "" if value is None else value
    return data


class CaseViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases in scope, ``is_overdue`` computed. Filters: ``state`` (or ``open``), ``kind``, ``category``,
    ``level``, ``unit`` (code, subtree), ``department`` (id), ``overdue``, ``hard``, ``search``.
    ``GET …/history/`` the whole history; ``GET …/available-actions/`` what the caller may do now;
    ``POST …/<action>/`` accept, start, escalate, return, send-to-consultation, resolve, follow-up,
    reopen, assign, reprioritise."""

    serializer_class = CaseSerializer
    filterset_class = CaseApiFilter

    def base_queryset(self):
        return Case.objects.with_overdue().select_related("unit", "handler_unit", "handler_department")

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def get_serializer_class(self):
        return CaseRegisterSerializer if self.action == "create" else CaseSerializer

    def _read(self, case, code=status.HTTP_200_OK):
        try:
            case = selectors.case_get(user=self.request.user, pk=case.pk)
        except Http404:  # handed on out of the caller's sight: answer with what they just did
            case.is_overdue = case.overdue_on(timezone.localdate())
        return Response(CaseSerializer(case).data, status=code)

    @extend_schema(request=CaseRegisterSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CaseRegisterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        case = services.case_register(actor=request.user, **serializer.validated_data)
        return self._read(case, status.HTTP_201_CREATED)

    @extend_schema(responses=CaseEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        case = self.get_object()
        return Response(CaseEventSerializer(selectors.case_history(case=case), many=True).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"], url_path="available-actions", url_name="available-actions")
    def available(self, request, pk=None):
        case = selectors.case_get(user=request.user, pk=pk)
        return Response({"id": case.pk, "state": case.state,
                         "actions": services.case_available_actions(actor=request.user, case=case)})

    def _transition(self, request, pk, name):
        case = selectors.case_get(user=request.user, pk=pk)  # VIEW scope, else 404
        form = CASE_ACTION_FORMS[name](_form_data(request), case=case, prefix=None)
        if not form.is_valid():
            raise DRFValidationError(form.errors.get_json_data())
        updated = services.SERVICE_FOR_ACTION[name](actor=request.user, case=case, **form.kwargs())
        return self._read(updated)


def _make_transition(name):
    def transition(self, request, pk=None):
        return self._transition(request, pk, name)

    transition.__name__ = name  # before @action: the router maps the HTTP method to this name
    transition = action(detail=True, methods=["post"], url_path=name.replace("_", "-"),
                        url_name=name.replace("_", "-"))(transition)
    return extend_schema(request=TransitionSerializer, responses=CaseSerializer,
                         operation_id=f"supervision_cases_{name}")(transition)


for _name in CASE_ACTION_FORMS:
    setattr(CaseViewSet, str(_name), _make_transition(str(_name)))
