"""REST API of the work system, scoped like the pages: reads through the supervision selectors
(department liaisons see their department's records, everyone else the tree scope), objects through
``get_for_user`` (out of scope = 404), every write through a service (``ValidationError`` = 400,
``ScopeDenied`` = 404). Case transitions reuse the page forms for their input rules."""
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
from org.models import OrgUnit, OutsideUnit

from . import selectors, services
from .choices import CaseKind, CaseSource, Category, Priority, ResponsibleLevel
from .forms import CASE_ACTION_FORMS, department_queryset
from .models import (
    AssignmentLetter,
    Case,
    CaseEvent,
    DispatchSheet,
    KeyTask,
    Notification,
    ProgressReport,
    SupervisionNotice,
    VisitRecord,
)
from .views.common import resolve_target, tree_units


class TreeUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id in the caller's supervision tree scope for ``scope_action``; others look missing."""

    def __init__(self, *, scope_action=Action.RECORD, **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        return tree_units(self.context["request"].user, self.scope_action)


class DepartmentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return department_queryset()


def _params(request, *names):
    return {n: (request.query_params.get(n) or "").strip() or None for n in names}


def _unit_param(request, code):
    if not code:
        return None
    unit = tree_units(request.user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def _yes_no(value):
    return {"1": True, "true": True, "0": False, "false": False}.get((value or "").lower())


# -- visits -------------------------------------------------------------------------------------

class VisitRecordSerializer(serializers.ModelSerializer):
    place_code = serializers.CharField(source="place.code", read_only=True)
    place_name = serializers.CharField(source="place.name", read_only=True)
    cadre_name = serializers.CharField(source="cadre.display_name", read_only=True)
    case_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = VisitRecord
        fields = ["id", "cadre", "cadre_name", "visited_on", "place", "place_code", "place_name", "households",
                  "households_count", "heard", "category", "needs_follow_up", "case_count"]
        read_only_fields = fields


class VisitCaseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.DIFFICULTY)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    parties = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_hard = serializers.BooleanField(default=False)


class VisitCreateSerializer(serializers.Serializer):
    place = TreeUnitField(scope_action=Action.RECORD)
    visited_on = serializers.DateField(required=False)
    heard = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    households = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    households_count = serializers.IntegerField(min_value=1, default=1)
    needs_follow_up = serializers.BooleanField(default=False)
    cases = VisitCaseSerializer(many=True, required=False)


class VisitRecordViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Weekly visit records in scope. Filters: ``unit`` (code, subtree), ``mine=1``, ``date_from``,
    ``date_to``, ``category``, ``needs_follow_up``. POST records a visit and may raise cases
    (``cases: [{title, kind, …}]``) in the same transaction."""

    serializer_class = VisitRecordSerializer
    filter_backends: list = []

    def base_queryset(self):
        return VisitRecord.objects.select_related("cadre", "place")

    def get_queryset(self):
        p = _params(self.request, "unit", "mine", "date_from", "date_to", "category", "needs_follow_up")
        user = self.request.user
        return selectors.visit_record_list(
            user=user, unit=_unit_param(self.request, p["unit"]), cadre=user if p["mine"] == "1" else None,
            date_from=p["date_from"], date_to=p["date_to"], category=p["category"],
            needs_follow_up=_yes_no(p["needs_follow_up"]))

    def get_serializer_class(self):
        return VisitCreateSerializer if self.action == "create" else VisitRecordSerializer

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitRecordSerializer})
    def create(self, request, *args, **kwargs):
        serializer = VisitCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.setdefault("visited_on", timezone.localdate())
        visit = services.visit_record_create(actor=request.user, cases=data.pop("cases", []), **data)
        visit = selectors.visit_record_list(user=request.user).get(pk=visit.pk)
        return Response(VisitRecordSerializer(visit).data, status=status.HTTP_201_CREATED)


# -- cases --------------------------------------------------------------------------------------

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
    filter_backends: list = []

    def base_queryset(self):
        return Case.objects.with_overdue().select_related("unit", "handler_unit", "handler_department")

    def get_queryset(self):
        p = _params(self.request, "state", "kind", "category", "level", "unit", "department", "overdue", "hard",
                    "search")
        department = None
        if p["department"]:
            department = OutsideUnit.objects.filter(pk=p["department"]).first() if p["department"].isdigit() else None
            if department is None:
                return Case.objects.none()
        return selectors.case_list(
            user=self.request.user, unit=_unit_param(self.request, p["unit"]), state=p["state"], kind=p["kind"],
            category=p["category"], level=p["level"], department=department, overdue=_yes_no(p["overdue"]),
            is_hard=_yes_no(p["hard"]), search=p["search"])

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


# -- dispatch sheets ------------------------------------------------------------------------------

class DispatchSheetSerializer(serializers.ModelSerializer):
    target_name = serializers.SerializerMethodField()

    class Meta:
        model = DispatchSheet
        fields = ["id", "period", "unit", "department", "target_name", "period_start", "period_end", "generated_at",
                  "new_cases", "resolved_cases", "open_cases", "overdue_cases", "visits", "households_visited",
                  "communities_total", "communities_visited", "cadres_total", "cadres_visited", "tasks_due",
                  "detail"]
        read_only_fields = fields

    def get_target_name(self, sheet) -> str:
        return sheet.department.name if sheet.department_id else sheet.unit.name


class SheetGenerateSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$")
    street = serializers.IntegerField(required=False)
    department = serializers.IntegerField(required=False)
    regenerate = serializers.BooleanField(default=False)

    def validate(self, attrs):
        if bool(attrs.get("street")) == bool(attrs.get("department")):
            raise serializers.ValidationError({"street": ["Give either street or department."]}, code="required")
        return attrs


class DispatchSheetViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly dispatch sheets in scope (``period`` filter). ``POST …/generate/ {period, street |
    department, regenerate}`` generates a sheet from the records (idempotent unless ``regenerate``)."""

    serializer_class = DispatchSheetSerializer
    filter_backends: list = []

    def base_queryset(self):
        return DispatchSheet.objects.select_related("unit", "department")

    def get_queryset(self):
        return selectors.dispatch_sheet_list(user=self.request.user, period=_params(self.request, "period")["period"])

    @extend_schema(request=SheetGenerateSerializer, responses=DispatchSheetSerializer)
    @action(detail=False, methods=["post"])
    def generate(self, request):
        serializer = SheetGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = f"u{data['street']}" if data.get("street") else f"d{data['department']}"
        unit, department = resolve_target(target, request.user)
        sheet = services.dispatch_sheet_generate(actor=request.user, period=data["period"], unit=unit,
                                                 department=department, regenerate=data["regenerate"])
        return Response(DispatchSheetSerializer(sheet).data, status=status.HTTP_201_CREATED)


# -- task list ----------------------------------------------------------------------------------

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
    filter_backends: list = []

    def base_queryset(self):
        return KeyTask.objects.select_related("area")

    def get_queryset(self):
        year = _params(self.request, "year")["year"]
        return selectors.key_task_list(user=self.request.user, year=int(year) if year and year.isdigit() else None)


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
    filter_backends: list = []
    write_actions = {"reports": Action.VIEW}

    def base_queryset(self):
        return AssignmentLetter.objects.with_overdue().select_related("task", "unit", "department")

    def get_queryset(self):
        p = _params(self.request, "year", "overdue", "department")
        department = None
        if p["department"]:
            department = OutsideUnit.objects.filter(pk=p["department"]).first() if p["department"].isdigit() else None
            if department is None:
                return AssignmentLetter.objects.none()
        return selectors.assignment_letter_list(
            user=self.request.user, year=int(p["year"]) if p["year"] and p["year"].isdigit() else None,
            overdue=_yes_no(p["overdue"]), department=department)

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


# -- supervision notices ------------------------------------------------------------------------

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
    filter_backends: list = []
    write_actions = {"issue": Action.CHANGE, "withdraw": Action.CHANGE}

    def base_queryset(self):
        return SupervisionNotice.objects.prefetch_related("interviews")

    def get_queryset(self):
        p = _params(self.request, "state", "period", "unit", "department")
        department = OutsideUnit.objects.filter(pk=p["department"]).first() if (p["department"] or "").isdigit() else None
        return selectors.supervision_notice_list(
            user=self.request.user, unit=_unit_param(self.request, p["unit"]), department=department,
            period=p["period"], state=p["state"]).prefetch_related("interviews")

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


# -- notifications ------------------------------------------------------------------------------

class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.CharField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "params", "link", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own notifications (``unread=1``). ``POST …/mark-read/ {ids}`` (all unread when
    no ids); ``GET …/unread-count/``."""

    serializer_class = NotificationSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user,
                                           unread_only=self.request.query_params.get("unread") == "1")

    @extend_schema(request=MarkReadSerializer, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="mark-read", url_name="mark-read")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.notification_mark_read(actor=request.user,
                                                notification_ids=serializer.validated_data.get("ids"))
        return Response({"marked": count})

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], url_path="unread-count", url_name="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.notification_unread_count(user=request.user)})
