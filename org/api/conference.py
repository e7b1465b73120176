"""REST API of the regional joint conference: ``/api/org/joint-conferences/`` (list with ``unit``, detail with
member units, representatives and meetings, create, and the actions ``members``, ``meetings``,
``resolutions``, ``resources``) and ``/api/org/joint-projects/`` (list with ``unit``/``state``/``conference``,
detail with its events, create, ``transition``). Writes go through the services; a conference out of the
caller's CHANGE scope is a 404 and nothing is written."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedModelViewSet
from core.scoping import Action, get_object_for_user
from core.web import api_filter_list
from supervision.choices import CaseKind, Category

from .. import selectors, services
from ..choices import JOINT_PROJECT_TRANSITIONS, JointResourceKind
from ..filtersets import JointConferenceFilterSet, JointProjectFilterSet
from ..models import ConferenceMeeting, JointConference, JointProject, OrgUnit
from .common import OutsideUnitChoiceField


class SeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person_name = serializers.CharField()
    seat = serializers.IntegerField(source="seat_id")
    seat_name = serializers.CharField(source="seat.name")
    committee_post = serializers.CharField()
    term_from = serializers.DateField()
    term_to = serializers.DateField()


class MemberUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    outside_unit = serializers.IntegerField(source="outside_unit_id")
    outside_unit_name = serializers.CharField(source="outside_unit.name")
    kind = serializers.CharField(source="outside_unit.kind")
    duty = serializers.CharField()
    joined_on = serializers.DateField()
    left_on = serializers.DateField()
    representatives = SeatSerializer(many=True)


class JointConferenceSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    meeting_count = serializers.IntegerField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    completed_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = JointConference
        fields = ["id", "unit", "unit_code", "name", "established_on", "note", "member_count", "meeting_count",
                  "project_count", "completed_count"]
        read_only_fields = ["id", "unit"]


class JointConferenceDetailSerializer(JointConferenceSerializer):
    member_units = serializers.SerializerMethodField()
    meetings = serializers.SerializerMethodField()

    class Meta(JointConferenceSerializer.Meta):
        fields = [*JointConferenceSerializer.Meta.fields, "member_units", "meetings"]

    def get_member_units(self, obj):
        return MemberUnitSerializer(selectors.conference_member_units(obj), many=True).data

    def get_meetings(self, obj):
        meetings = (ConferenceMeeting.objects.filter(conference=obj).prefetch_related("attendees", "resolutions")
                    .order_by("-held_on", "-pk"))
        return [{"id": m.pk, "held_on": m.held_on, "title": m.title, "agenda": m.agenda,
                 "attendees": sorted(a.pk for a in m.attendees.all()),
                 "resolutions": [{"id": r.pk, "text": r.text, "needs_work": r.needs_work, "case": r.case_id}
                                 for r in m.resolutions.all()]} for m in meetings]


class ConferenceCreateSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField(max_length=120)
    established_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MemberAddSerializer(serializers.Serializer):
    outside_unit = OutsideUnitChoiceField()
    duty = serializers.CharField(required=False, allow_blank=True, default="")
    joined_on = serializers.DateField(required=False, allow_null=True, default=None)
    representatives = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                            default=None)


class MeetingCreateSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=120)
    agenda = serializers.CharField()
    location = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class ResolutionCreateSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    text = serializers.CharField()
    needs_work = serializers.BooleanField(required=False, default=False)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False, default=CaseKind.DIFFICULTY)
    category = serializers.ChoiceField(choices=Category.choices, required=False, default=Category.OTHER)


class ResourceCreateSerializer(serializers.Serializer):
    member_unit = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=JointResourceKind.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount_yuan = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                           default=None)
    volunteers = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


class JointConferenceViewSet(ScopedModelViewSet):
    """Joint conferences of streets and the district in scope. Filter: ``unit`` (code, with its subtree)."""

    http_method_names = ["get", "post", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "members": Action.CHANGE, "meetings": Action.CHANGE,
                     "resolutions": Action.CHANGE, "resources": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return selectors.joint_conference_list(user=self.request.user)

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, JointConferenceFilterSet,
                                         selectors.joint_conference_list(user=self.request.user))
        return rows

    def get_object(self):
        action_ = self.write_actions.get(self.action, Action.VIEW)
        qs = (selectors.joint_conference_list(user=self.request.user) if action_ == Action.VIEW
              else JointConference.objects.select_related("unit"))
        return get_object_for_user(qs, self.request.user, action_, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "retrieve":
            return JointConferenceDetailSerializer
        if self.action == "create":
            return ConferenceCreateSerializer
        return JointConferenceSerializer

    def _detail(self, conference, code=status.HTTP_200_OK):
        conference = selectors.joint_conference_list(user=self.request.user).get(pk=conference.pk)
        return Response(JointConferenceDetailSerializer(conference, context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        s = ConferenceCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        unit = get_object_for_user(OrgUnit, request.user, Action.CHANGE, pk=data.pop("unit"))
        conference = services.joint_conference_create(actor=request.user, unit=unit, **data)
        return self._detail(conference, status.HTTP_201_CREATED)

    @extend_schema(request=MemberAddSerializer)
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        conference = self.get_object()
        s = MemberAddSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        services.conference_member_add(actor=request.user, conference=conference, **s.validated_data)
        return self._detail(conference, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingCreateSerializer)
    @action(detail=True, methods=["post"])
    def meetings(self, request, pk=None):
        conference = self.get_object()
        s = MeetingCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.conference_meeting_create(actor=request.user, conference=conference, **s.validated_data)
        return self._detail(conference, status.HTTP_201_CREATED)

    @extend_schema(request=ResolutionCreateSerializer)
    @action(detail=True, methods=["post"])
    def resolutions(self, request, pk=None):
        conference = self.get_object()
        s = ResolutionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        meeting = ConferenceMeeting.objects.filter(conference=conference, pk=data.pop("meeting")).first()
        if meeting is None:
            raise serializers.ValidationError({"meeting": ["not_found"]})
        unit_id = data.pop("unit")
        unit = get_object_for_user(OrgUnit, request.user, Action.CHANGE, pk=unit_id) if unit_id else None
        services.conference_resolution_create(actor=request.user, meeting=meeting, unit=unit, **data)
        return self._detail(conference, status.HTTP_201_CREATED)

    @extend_schema(request=ResourceCreateSerializer)
    @action(detail=True, methods=["post"])
    def resources(self, request, pk=None):
        conference = self.get_object()
        s = ResourceCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        resource = services.joint_resource_create(actor=request.user, conference=conference, **s.validated_data)
        return Response({"id": resource.pk, "member_unit": resource.member_unit_id, "kind": resource.kind,
                         "title": resource.title}, status=status.HTTP_201_CREATED)


class JointProjectSerializer(serializers.ModelSerializer):
    conference_name = serializers.CharField(source="conference.name", read_only=True)
    need_title = serializers.CharField(source="need.title", read_only=True)
    resource_title = serializers.CharField(source="resource.title", read_only=True)
    offered_by = serializers.CharField(source="resource.member_unit.outside_unit.name", read_only=True)
    communities = serializers.SerializerMethodField()

    class Meta:
        model = JointProject
        fields = ["id", "conference", "conference_name", "title", "need", "need_title", "resource", "resource_title",
                  "offered_by", "communities", "matched_on", "state", "started_on", "completed_on", "results",
                  "households_benefited"]
        read_only_fields = fields

    def get_communities(self, obj):
        return [c.pk for c in obj.communities.all()]


class JointProjectDetailSerializer(JointProjectSerializer):
    member_units = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(JointProjectSerializer.Meta):
        fields = [*JointProjectSerializer.Meta.fields, "member_units", "events"]
        read_only_fields = fields

    def get_member_units(self, obj):
        return sorted(obj.member_units.values_list("pk", flat=True))

    def get_events(self, obj):
        return [{"from_state": e.from_state, "to_state": e.to_state, "at": e.at, "note": e.note,
                 "actor": e.actor_id} for e in obj.events.all()]


class ProjectCreateSerializer(serializers.Serializer):
    conference = serializers.IntegerField()
    need = serializers.IntegerField()
    resource = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, default="")
    member_units = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                         default=None)
    communities = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True,
                                        default=None)
    matched_on = serializers.DateField(required=False, allow_null=True, default=None)


class ProjectTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(JOINT_PROJECT_TRANSITIONS))
    on = serializers.DateField(required=False, allow_null=True, default=None)
    results = serializers.CharField(required=False, allow_blank=True, default="")
    households_benefited = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class JointProjectViewSet(ScopedModelViewSet):
    """Joint projects of conferences in scope. Filters: ``unit`` (code: conference's or need's unit in its
    subtree), ``state``, ``conference``. Create ``{conference, need, resource, ...}``; ``POST …/transition/``
    ``{action: start|complete|cancel, on, results, households_benefited, note}``."""

    http_method_names = ["get", "post", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "transition": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return selectors.joint_project_list(user=self.request.user)

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, JointProjectFilterSet,
                                         selectors.joint_project_list(user=self.request.user))
        return rows

    def get_object(self):
        action_ = self.write_actions.get(self.action, Action.VIEW)
        return get_object_for_user(
            JointProject.objects.select_related("conference__unit", "need", "resource__member_unit__outside_unit")
            .prefetch_related("communities", "events"), self.request.user, action_, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "create":
            return ProjectCreateSerializer
        return JointProjectDetailSerializer if self.action in ("retrieve", "transition") else JointProjectSerializer

    def _detail(self, project, code=status.HTTP_200_OK):
        project = get_object_for_user(
            JointProject.objects.select_related("conference__unit", "need", "resource__member_unit__outside_unit")
            .prefetch_related("communities", "events"), self.request.user, Action.VIEW, pk=project.pk)
        return Response(JointProjectDetailSerializer(project, context=self.get_serializer_context()).data,
                        status=code)

    def create(self, request, *args, **kwargs):
        s = ProjectCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        conference = get_object_for_user(JointConference, request.user, Action.CHANGE, pk=data.pop("conference"))
        project = services.joint_project_create(actor=request.user, conference=conference, **data)
        return self._detail(project, status.HTTP_201_CREATED)

    @extend_schema(request=ProjectTransitionSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        project = self.get_object()
        s = ProjectTransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        project = services.joint_project_transition(actor=request.user, project=project, **s.validated_data)
        return self._detail(project)
