"""REST API of members: masked reads, writes through the services, the audited reveal.

Scoped like every other path: querysets through the selectors (``for_user``), filtered by the member
list's FilterSet (``org.filtersets``: an invalid or unknown parameter lists nothing), objects through
``get_object_for_user`` for the action the endpoint needs (out of scope = 404), every write through a
service. ID numbers and phones are always masked here; ``POST /members/{id}/reveal/`` returns one value in
clear for users holding REVEAL over the member, and is audited by the service.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import VersionField
from core.api_views import ScopedModelViewSet
from core.scoping import Action
from core.web import api_filter_list

from .. import selectors, services
from ..filtersets import MemberFilterSet
from ..models import Education, Member, MemberCategory, MemberStatus, Standing
from .common import OutsideUnitChoiceField, ScopedUnitField


class MemberSerializer(serializers.ModelSerializer):
    """A member as read: personal data masked (``id_number``, ``phone``); ``can_reveal`` says whether the
    caller may ask for the plaintext through the audited reveal action."""

    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    age = serializers.IntegerField(read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True, default=None)
    can_reveal = serializers.SerializerMethodField()
    version = VersionField(read_only=True)

    class Meta:
        model = Member
        fields = ["id", "version", "name", "id_number", "phone", "gender", "birth_date", "age", "education", "ethnicity",
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

    version = VersionField(write_only=True)
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
        _filters, rows = api_filter_list(self.request, MemberFilterSet, selectors.member_list(user=self.request.user))
        return rows

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
        data = dict(serializer.validated_data)
        data.pop("version", None)
        member = services.member_create(actor=request.user, **data)
        return self._read(member, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        member = self.get_object()
        serializer = MemberWriteSerializer(member, data=request.data, partial=partial,
                                           context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version", None)
        if changes:
            member = services.member_update(actor=request.user, member=member, version=version, **changes)
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
