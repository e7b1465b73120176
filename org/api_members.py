"""REST API of members, dual registrations, part-time committee members and transfers.

Scoped like every other path: querysets through the selectors (``for_user``), objects through
``get_object_for_user`` for the action the endpoint needs (out of scope = 404), every write through a
service. ID numbers and phones are always masked here; ``POST /members/{id}/reveal/`` returns one value in
clear for users holding REVEAL over the member, and is audited by the service.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from django.http import Http404

from core.api_views import ScopedModelViewSet
from core.scoping import Action, get_object_for_user

from . import selectors, services
from .api import ScopedUnitField
from .choices import Level
from .models import (
    DualRegistration,
    Education,
    Member,
    MemberCategory,
    MemberStatus,
    OrgUnit,
    PartTimeMember,
    RegistrationKind,
    Standing,
    Transfer,
    TransferEvent,
)

MEMBER_LEVELS = (Level.STREET, Level.COMMUNITY, Level.COMPOUND, Level.BUILDING)


class OutsideUnitChoiceField(serializers.PrimaryKeyRelatedField):
    """An outside unit the requesting user may pick (``outside_unit_choices``)."""

    def get_queryset(self):
        return selectors.outside_unit_choices(user=self.context["request"].user)


class ScopedMemberField(serializers.PrimaryKeyRelatedField):
    def __init__(self, *, scope_action=Action.CHANGE, **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        return Member.objects.for_user(self.context["request"].user, self.scope_action)


# -- members --------------------------------------------------------------------------------------

class MemberSerializer(serializers.ModelSerializer):
    """A member as read: personal data masked (``id_number``, ``phone``); ``can_reveal`` says whether the
    caller may ask for the plaintext through the audited reveal action."""

    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    age = serializers.IntegerField(read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True, default=None)
    can_reveal = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = ["id", "name", "id_number", "phone", "gender", "birth_date", "age", "education", "ethnicity",
                  "joined_on", "standing", "category", "work_unit", "status", "residence", "unit", "unit_code",
                  "outside_unit", "note", "can_reveal"]
        read_only_fields = fields

    def get_can_reveal(self, member) -> bool:
        if not hasattr(member, "can_reveal"):
            selectors.member_display([member], user=self.context["request"].user)
        return member.can_reveal


class MemberWriteSerializer(serializers.Serializer):
    """Create (``unit`` required, in the caller's CHANGE scope) or update (``unit`` not accepted: the org
    relationship changes by transfer). ``id_number`` and ``phone`` are write-only."""

    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=24, write_only=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, write_only=True)
    unit = ScopedUnitField(scope_action=Action.CHANGE)
    education = serializers.ChoiceField(choices=Education.choices, required=False, allow_blank=True)
    ethnicity = serializers.CharField(max_length=16, required=False, allow_blank=True)
    joined_on = serializers.DateField(required=False, allow_null=True)
    standing = serializers.ChoiceField(choices=Standing.choices, required=False)
    category = serializers.ChoiceField(choices=MemberCategory.choices, required=False)
    work_unit = OutsideUnitChoiceField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=MemberStatus.choices, required=False)
    residence = ScopedUnitField(scope_action=Action.VIEW, required=False, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields.pop("unit")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["id_number", "phone"], default="id_number")


class MemberViewSet(ScopedModelViewSet):
    """Members in the caller's scope. Filters: ``unit`` (code, with its subtree), ``category``,
    ``status``, ``age_band`` (under35, 35-45, 46-60, over60), ``education``, ``joined_year``, ``search``;
    ``page_size`` up to 1000. ``POST …/reveal/ {"field": "id_number"|"phone"}`` (audited)."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "reveal": Action.REVEAL}
    filter_backends: list = []

    def base_queryset(self):
        return Member.objects.select_related("unit", "residence", "work_unit")

    def get_queryset(self):
        params = self.request.query_params
        user = self.request.user
        unit = None
        if params.get("unit"):
            try:
                unit = get_object_for_user(OrgUnit, user, Action.VIEW, code=params["unit"].strip())
            except Http404:
                return Member.objects.none()
        return selectors.member_list(
            user=user, unit=unit, category=params.get("category") or None, status=params.get("status") or None,
            age_band=params.get("age_band") or None, education=params.get("education") or None,
            joined_year=params.get("joined_year") or None, search=params.get("search") or None,
        )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return MemberWriteSerializer
        if self.action == "reveal":
            return RevealSerializer
        return MemberSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.member_display(page, user=self.request.user)
        return page

    def _read(self, member, code=status.HTTP_200_OK):
        return Response(MemberSerializer(member, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = MemberWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        member = services.member_create(actor=request.user, **serializer.validated_data)
        return self._read(member, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        member = self.get_object()
        serializer = MemberWriteSerializer(member, data=request.data, partial=partial,
                                           context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if changes:
            member = services.member_update(actor=request.user, member=member, **changes)
        return self._read(member)

    @extend_schema(request=RevealSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        member = self.get_object()  # REVEAL scope, else 404
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        service = services.member_reveal_id if field == "id_number" else services.member_reveal_phone
        response = Response({"id": member.pk, field: service(actor=request.user, member=member)})
        response["Cache-Control"] = "no-store"
        return response


# -- dual registrations and part-time members -----------------------------------------------------

class DualRegistrationSerializer(serializers.ModelSerializer):
    member = ScopedMemberField(scope_action=Action.VIEW)
    member_name = serializers.CharField(source="member.name", read_only=True)
    community = ScopedUnitField(scope_action=Action.CHANGE)
    kind = serializers.ChoiceField(choices=RegistrationKind.choices, required=False)

    class Meta:
        model = DualRegistration
        fields = ["id", "member", "member_name", "community", "kind", "commitment", "started_on", "ended_on"]
        read_only_fields = ["id", "ended_on"]
        extra_kwargs = {"started_on": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["member"], data["community"] = instance.member_id, instance.community_id
        return data


class EndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True)


class DualRegistrationViewSet(ScopedModelViewSet):
    """Dual registrations (双报到) at communities in scope. Filters: ``kind``, ``unit`` (code),
    ``current`` (default 1). Create ``{member, community, commitment, started_on}``; ``POST …/end/``."""

    serializer_class = DualRegistrationSerializer
    http_method_names = ["get", "post", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "end": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return DualRegistration.objects.select_related("member", "community")

    def get_queryset(self):
        params = self.request.query_params
        unit = _unit_param(self.request)
        if unit is False:
            return DualRegistration.objects.none()
        return selectors.dual_registration_list(user=self.request.user, unit=unit, kind=params.get("kind") or None,
                                                current=params.get("current", "1") != "0")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.dual_registration_create(actor=self.request.user, **data)

    @extend_schema(request=EndSerializer, responses=DualRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        registration = self.get_object()
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.dual_registration_end(actor=request.user, registration=registration,
                                                      ended_on=serializer.validated_data.get("ended_on"))
        return Response(self.get_serializer(registration).data)


class PartTimeMemberSerializer(serializers.ModelSerializer):
    seat = ScopedUnitField(scope_action=Action.CHANGE)
    home_unit = OutsideUnitChoiceField()
    member = ScopedMemberField(scope_action=Action.VIEW, required=False, allow_null=True)

    class Meta:
        model = PartTimeMember
        fields = ["id", "person_name", "member", "home_unit", "post", "seat", "committee_post", "term_from",
                  "term_to"]
        read_only_fields = ["id"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data.update(seat=instance.seat_id, home_unit=instance.home_unit_id, member=instance.member_id)
        return data


class PartTimeMemberViewSet(ScopedModelViewSet):
    """Part-time committee members (兼职委员) seated on committees in scope. Filters: ``unit`` (code),
    ``current`` (default 1). ``POST …/end/`` ends the term."""

    serializer_class = PartTimeMemberSerializer
    http_method_names = ["get", "post", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "end": Action.CHANGE}
    filter_backends: list = []

    def base_queryset(self):
        return PartTimeMember.objects.select_related("seat", "home_unit", "member")

    def get_queryset(self):
        unit = _unit_param(self.request)
        if unit is False:
            return PartTimeMember.objects.none()
        return selectors.part_time_member_list(user=self.request.user, unit=unit,
                                               current=self.request.query_params.get("current", "1") != "0")

    def perform_create(self, serializer):
        serializer.instance = services.part_time_member_create(actor=self.request.user,
                                                               **serializer.validated_data)

    @extend_schema(request=EndSerializer, responses=PartTimeMemberSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        seat = self.get_object()
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seat = services.part_time_member_end(actor=request.user, part_time_member=seat,
                                             ended_on=serializer.validated_data.get("ended_on"))
        return Response(self.get_serializer(seat).data)


def _unit_param(request):
    """The ``unit`` query parameter resolved in VIEW scope: None when absent, False when unknown."""
    code = request.query_params.get("unit", "").strip()
    if not code:
        return None
    try:
        return get_object_for_user(OrgUnit, request.user, Action.VIEW, code=code)
    except Http404:
        return False


# -- transfers --------------------------------------------------------------------------------------

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
        return selectors.transfer_list(user=self.request.user,
                                       state=self.request.query_params.get("state") or None).prefetch_related(
            "events__actor")

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
