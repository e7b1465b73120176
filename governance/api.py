"""REST API of the governance system under ``/api/governance/`` (OpenAPI through drf-spectacular).
Lists take the list pages' FilterSets (``unit`` = a unit code, its subtree); reads are scoped by the
selectors; writes and transitions call the services (out of scope = 404, bad input = 400)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action
from org.models import Member, NewDomainOrg, OrgUnit, OutsideUnit
from supervision.choices import CaseKind, Category, Satisfaction
from supervision.models import Case, VisitRecord

from . import selectors, services
from .choices import FilingStatus, Outcome, ParticipantRole, PostingRole, SocialField, Stage, TopicSource, WorkKind
from .filtersets import FloatingFilter, MeetingFilter, PostingFilter, SocialOrgFilter, TopicFilter
from .models import (
    AgendaItem,
    Committee,
    FloatingMember,
    Meeting,
    Participant,
    Posting,
    PropertyService,
    SocialOrganisation,
    Topic,
    TopicEvent,
    WorkItem,
)


class Scoped(serializers.PrimaryKeyRelatedField):
    """An id among the rows of ``model`` the caller may ``scope_action``; others look missing (400)."""

    def __init__(self, model, *, scope_action=Action.VIEW, **kwargs):
        self.model, self.scope_action = model, scope_action
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        if self.model is OutsideUnit:
            return OutsideUnit.objects.pickable_by(user)
        return self.model.objects.for_user(user, self.scope_action)


def _unit_field():
    return Scoped(OrgUnit, scope_action=Action.CHANGE, required=True, allow_null=False)


# -- topics -----------------------------------------------------------------------------------------

class TopicEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicEvent
        fields = ["action", "from_state", "to_state", "at", "actor", "reason", "meeting"]


class TopicSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "unit", "unit_code", "title", "description", "source", "visit", "case", "committee",
                  "social_org", "proposer", "raised_on", "state"]
        read_only_fields = fields


class TopicDetailSerializer(TopicSerializer):
    events = TopicEventSerializer(many=True, read_only=True)

    class Meta(TopicSerializer.Meta):
        fields = TopicSerializer.Meta.fields + ["events"]
        read_only_fields = fields


class TopicRaiseSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=TopicSource.choices)
    unit = Scoped(OrgUnit, scope_action=Action.CHANGE)
    visit = Scoped(VisitRecord)
    case = Scoped(Case)
    committee = Scoped(Committee)
    social_org = Scoped(SocialOrganisation)
    proposer = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    raised_on = serializers.DateField(required=False, allow_null=True, default=None)


class TopicViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Topics 议题 in scope; POST raises one (from a visit or a case the text and unit are carried)."""

    filterset_class = TopicFilter

    def base_queryset(self):
        return Topic.objects.select_related("unit").prefetch_related("events")

    def get_queryset(self):
        return selectors.topic_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return TopicRaiseSerializer
        return TopicDetailSerializer if self.action == "retrieve" else TopicSerializer

    @extend_schema(request=TopicRaiseSerializer, responses={201: TopicDetailSerializer})
    def create(self, request, *args, **kwargs):
        s = TopicRaiseSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        topic = services.topic_raise(actor=request.user, **s.validated_data)
        return Response(TopicDetailSerializer(topic).data, status=status.HTTP_201_CREATED)


# -- meetings ---------------------------------------------------------------------------------------

class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "role", "committee", "property_service", "social_org", "department", "member",
                  "person_name", "attended"]


class ParticipantInSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=ParticipantRole.choices)
    committee = Scoped(Committee)
    property_service = Scoped(PropertyService)
    social_org = Scoped(SocialOrganisation)
    department = Scoped(OutsideUnit)
    member = Scoped(Member)
    person_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "topic", "position", "outcome", "votes_for", "votes_against", "votes_abstain",
                  "resolution", "decided_at", "notice_from", "notice_to"]


class MeetingSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    topic_count = serializers.IntegerField(read_only=True, default=None)
    adopted_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Meeting
        fields = ["id", "unit", "unit_code", "title", "held_on", "place", "state", "topic_count", "adopted_count"]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    items = AgendaItemSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = MeetingSerializer.Meta.fields + ["minutes", "participants", "items"]
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer):
    unit = _unit_field()
    title = serializers.CharField(max_length=120)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    participants = ParticipantInSerializer(many=True, required=False, default=list)
    topics = serializers.ListField(child=Scoped(Topic, scope_action=Action.CHANGE, allow_null=False), required=False,
                                   default=list)


class MeetingRecordSerializer(serializers.Serializer):
    minutes = serializers.CharField()
    absent = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class AddTopicSerializer(serializers.Serializer):
    topic = Scoped(Topic, scope_action=Action.CHANGE, required=True, allow_null=False)


class ResolutionSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    resolution = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_abstain = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    notice_from = serializers.DateField(required=False, allow_null=True, default=None)
    notice_to = serializers.DateField(required=False, allow_null=True, default=None)


class ImplementSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=WorkKind.choices)
    case_kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.DIFFICULTY)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    task = serializers.CharField(required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    committee = Scoped(Committee)
    property_service = Scoped(PropertyService)
    social_org = Scoped(SocialOrganisation)
    member = Scoped(Member)


def _item_of(meeting, pk) -> AgendaItem:
    item = meeting.items.filter(pk=pk).first()
    if item is None:
        raise serializers.ValidationError({"item": ["not_on_agenda"]})
    return item


class MeetingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """1+N meetings in scope. POST convenes one; ``…/record/``, ``…/add-topic/``, ``…/resolve/``
    (one agenda item's resolution) and ``…/implement/`` (an adopted item becomes a case or a task)."""

    filterset_class = MeetingFilter

    def base_queryset(self):
        return Meeting.objects.select_related("unit").prefetch_related("participants", "items")

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def get_serializer_class(self):
        return {"create": MeetingCreateSerializer, "record": MeetingRecordSerializer,
                "add_topic": AddTopicSerializer, "resolve": ResolutionSerializer,
                "implement": ImplementSerializer}.get(
            self.action, MeetingDetailSerializer if self.action == "retrieve" else MeetingSerializer)

    def _detail(self, meeting, code=status.HTTP_200_OK):
        meeting = selectors.meeting_get(user=self.request.user, pk=meeting.pk)
        return Response(MeetingDetailSerializer(meeting).data, status=code)

    def _input(self, request):
        s = self.get_serializer_class()(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(request)
        meeting = services.meeting_create(actor=request.user, **data)
        return self._detail(meeting, status.HTTP_201_CREATED)

    @extend_schema(request=MeetingRecordSerializer, responses={200: MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        meeting = self.get_object()
        data = self._input(request)
        return self._detail(services.meeting_record(actor=request.user, meeting=meeting, **data))

    @extend_schema(request=AddTopicSerializer, responses={200: MeetingDetailSerializer})
    @action(detail=True, methods=["post"], url_path="add-topic", url_name="add-topic")
    def add_topic(self, request, pk=None):
        meeting = self.get_object()
        data = self._input(request)
        services.meeting_add_topic(actor=request.user, meeting=meeting, topic=data["topic"])
        return self._detail(meeting)

    @extend_schema(request=ResolutionSerializer, responses={200: MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        meeting = self.get_object()
        data = self._input(request)
        services.resolution_record(actor=request.user, item=_item_of(meeting, data.pop("item")), **data)
        return self._detail(meeting)

    @extend_schema(request=ImplementSerializer, responses={200: MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None):
        meeting = self.get_object()
        data = self._input(request)
        item = _item_of(meeting, data.pop("item"))
        if data["kind"] == WorkKind.CASE:
            services.work_create_case(actor=request.user, item=item, kind=data["case_kind"], category=data["category"])
        else:
            if data["due_on"] is None:
                raise serializers.ValidationError({"due_on": ["required"]})
            services.work_create_task(actor=request.user, item=item, task=data["task"], due_on=data["due_on"],
                                      committee=data.get("committee"), property_service=data.get("property_service"),
                                      social_org=data.get("social_org"), member=data.get("member"))
        return self._detail(meeting)


# -- implementations --------------------------------------------------------------------------------

class WorkSerializer(serializers.ModelSerializer):
    case_state = serializers.CharField(source="case.state", read_only=True, default=None)
    topic_state = serializers.CharField(source="topic.state", read_only=True)

    class Meta:
        model = WorkItem
        fields = ["id", "item", "topic", "topic_state", "kind", "case", "case_state", "committee",
                  "property_service", "social_org", "assignee_member", "task", "due_on", "progress_pct",
                  "progress_note", "completed_on"]
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    progress_pct = serializers.IntegerField(min_value=0, max_value=100)
    progress_note = serializers.CharField(required=False, allow_blank=True, default="")
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)


class FollowUpSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class WorkViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Implementations of adopted resolutions: ``…/progress/``, ``…/follow-up/`` (a task), ``…/sync/``
    (a case-backed topic is done once its case is resolved)."""

    serializer_class = WorkSerializer

    def base_queryset(self):
        return WorkItem.objects.select_related("topic", "case")

    def get_queryset(self):
        return selectors.work_list(user=self.request.user)

    def _input(self, cls, request):
        s = cls(data=request.data)
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    def _read(self, work):
        return Response(WorkSerializer(selectors.work_get(user=self.request.user, pk=work.pk)).data)

    @extend_schema(request=ProgressSerializer, responses={200: WorkSerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        work = self.get_object()
        data = self._input(ProgressSerializer, request)
        return self._read(services.work_update(actor=request.user, work=work, **data))

    @extend_schema(request=FollowUpSerializer, responses={200: WorkSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request, pk=None):
        work = self.get_object()
        data = self._input(FollowUpSerializer, request)
        services.follow_up_record(actor=request.user, work=work, **data)
        return self._read(work)

    @extend_schema(request=None, responses={200: WorkSerializer})
    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        work = self.get_object()
        return self._read(services.work_sync(actor=request.user, work=work))


# -- social organisations ---------------------------------------------------------------------------

class SocialOrgSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    has_instructor = serializers.BooleanField(read_only=True, default=None)
    has_party_org = serializers.SerializerMethodField()

    class Meta:
        model = SocialOrganisation
        fields = ["id", "unit", "unit_code", "name", "field", "leader_member", "leader_name", "filing_status",
                  "filing_no", "stage", "stage_since", "founded_on", "party_org", "has_party_org", "has_instructor"]
        read_only_fields = fields

    def get_has_party_org(self, obj) -> bool:
        return obj.party_org_id is not None


class SocialOrgCreateSerializer(serializers.Serializer):
    unit = _unit_field()
    name = serializers.CharField(max_length=120)
    field = serializers.ChoiceField(choices=SocialField.choices)
    founded_on = serializers.DateField()
    leader_member = Scoped(Member)
    leader_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    filing_status = serializers.ChoiceField(choices=FilingStatus.choices, default=FilingStatus.NONE)
    filing_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    party_org = Scoped(NewDomainOrg)


class StageSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    filing_status = serializers.ChoiceField(choices=FilingStatus.choices, required=False, default="")
    filing_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class LeaderSerializer(serializers.Serializer):
    member = Scoped(Member, required=True, allow_null=False)
    on = serializers.DateField(required=False, allow_null=True, default=None)


class AppliedSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SocialOrgViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The register of community social organisations; ``…/stage/`` (incubation), ``…/leader/`` (a party
    member becomes its leader), ``…/leader-applied/`` (its leader applied to join the party)."""

    filterset_class = SocialOrgFilter

    def base_queryset(self):
        return SocialOrganisation.objects.select_related("unit")

    def get_queryset(self):
        return selectors.social_org_list(user=self.request.user)

    def get_serializer_class(self):
        return {"create": SocialOrgCreateSerializer, "stage": StageSerializer, "leader": LeaderSerializer,
                "leader_applied": AppliedSerializer}.get(self.action, SocialOrgSerializer)

    def _input(self, request):
        s = self.get_serializer_class()(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    def _read(self, org, code=status.HTTP_200_OK):
        org = selectors.social_org_list(user=self.request.user).get(pk=org.pk)
        return Response(SocialOrgSerializer(org).data, status=code)

    @extend_schema(request=SocialOrgCreateSerializer, responses={201: SocialOrgSerializer})
    def create(self, request, *args, **kwargs):
        org = services.social_org_create(actor=request.user, **self._input(request))
        return self._read(org, status.HTTP_201_CREATED)

    @extend_schema(request=StageSerializer, responses={200: SocialOrgSerializer})
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        org = self.get_object()
        return self._read(services.social_org_stage_change(actor=request.user, org=org, **self._input(request)))

    @extend_schema(request=LeaderSerializer, responses={200: SocialOrgSerializer})
    @action(detail=True, methods=["post"])
    def leader(self, request, pk=None):
        org = self.get_object()
        return self._read(services.social_org_leader_set(actor=request.user, org=org, **self._input(request)))

    @extend_schema(request=AppliedSerializer, responses={200: SocialOrgSerializer})
    @action(detail=True, methods=["post"], url_path="leader-applied", url_name="leader-applied")
    def leader_applied(self, request, pk=None):
        org = self.get_object()
        services.social_org_leader_applied(actor=request.user, org=org, **self._input(request))
        return self._read(org)


# -- postings ---------------------------------------------------------------------------------------

class PostingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Posting
        fields = ["id", "role", "unit", "member", "person_name", "home_unit", "social_org", "new_domain_org",
                  "started_on", "ended_on"]
        read_only_fields = fields


class PostingCreateSerializer(serializers.Serializer):
    unit = _unit_field()
    role = serializers.ChoiceField(choices=PostingRole.choices)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    member = Scoped(Member)
    person_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    home_unit = Scoped(OutsideUnit)
    social_org = Scoped(SocialOrganisation)
    new_domain_org = Scoped(NewDomainOrg)


class PostingEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class PostingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Instructor and liaison postings (history kept); ``…/end/`` ends one."""

    filterset_class = PostingFilter

    def base_queryset(self):
        return Posting.objects.all()

    def get_queryset(self):
        return selectors.posting_list(user=self.request.user)

    def get_serializer_class(self):
        return {"create": PostingCreateSerializer, "end": PostingEndSerializer}.get(self.action, PostingSerializer)

    @extend_schema(request=PostingCreateSerializer, responses={201: PostingSerializer})
    def create(self, request, *args, **kwargs):
        s = PostingCreateSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        posting = services.posting_create(actor=request.user, **s.validated_data)
        return Response(PostingSerializer(posting).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PostingEndSerializer, responses={200: PostingSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        posting = self.get_object()
        s = PostingEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(PostingSerializer(services.posting_end(actor=request.user, posting=posting,
                                                               **s.validated_data)).data)


# -- floating members -------------------------------------------------------------------------------

class FloatingSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = FloatingMember
        fields = ["id", "member", "member_name", "origin_unit", "destination_unit", "destination_place",
                  "left_on", "reported_on", "registered_on", "task", "task_case", "ended_on"]
        read_only_fields = fields


class FloatingCreateSerializer(serializers.Serializer):
    member = Scoped(Member, required=True, allow_null=False)
    left_on = serializers.DateField()
    destination_unit = Scoped(OrgUnit)
    destination_place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)
    task = serializers.CharField(required=False, allow_blank=True, default="")
    task_case = Scoped(Case)

    def get_fields(self):
        fields = super().get_fields()
        # the destination may lie outside the caller's scope (the other side): any unit of the tree
        fields["destination_unit"] = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(),
                                                                        required=False, allow_null=True)
        return fields


class FloatingReportSerializer(serializers.Serializer):
    reported_on = serializers.DateField(required=False, allow_null=True, default=None)
    registered_on = serializers.DateField(required=False, allow_null=True, default=None)
    task = serializers.CharField(required=False, allow_null=True, default=None)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class FloatingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Floating members 双报一领, visible to the origin's and the destination's side only; ``…/report/``
    records the report at the origin, the registration at the destination, the task or the return."""

    filterset_class = FloatingFilter

    def base_queryset(self):
        return FloatingMember.objects.select_related("member")

    def get_queryset(self):
        return selectors.floating_list(user=self.request.user)

    def get_serializer_class(self):
        return {"create": FloatingCreateSerializer, "report": FloatingReportSerializer}.get(
            self.action, FloatingSerializer)

    @extend_schema(request=FloatingCreateSerializer, responses={201: FloatingSerializer})
    def create(self, request, *args, **kwargs):
        s = FloatingCreateSerializer(data=request.data, context=self.get_serializer_context())
        s.is_valid(raise_exception=True)
        record = services.floating_create(actor=request.user, **s.validated_data)
        return Response(FloatingSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FloatingReportSerializer, responses={200: FloatingSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        record = self.get_object()
        s = FloatingReportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(FloatingSerializer(services.floating_update(actor=request.user, record=record,
                                                                    **s.validated_data)).data)
