"""REST API of dual registrations (双报到) and part-time committee members (兼职委员): lists filtered by
the pages' FilterSets, create and end through the services."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api_views import ScopedModelViewSet
from core.scoping import Action
from core.web import api_filter_list

from .. import selectors, services
from ..filtersets import DualRegistrationFilterSet, PartTimeMemberFilterSet
from ..models import DualRegistration, PartTimeMember, RegistrationKind
from .common import OutsideUnitChoiceField, ScopedMemberField, ScopedUnitField


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


class _RegistryViewSet(ScopedModelViewSet):
    """A list of registrations or seats in scope, filtered by the page's FilterSet; create and
    ``POST …/end/`` (``{"ended_on"}``, today by default) through the services. Subclasses name the pieces."""

    http_method_names = ["get", "post", "head", "options"]
    write_actions = {**ScopedModelViewSet.write_actions, "end": Action.CHANGE}
    filter_backends: list = []
    filterset_class = None
    list_selector = None  # the rows in scope, unfiltered
    create_service = None
    end_service = None
    end_kwarg = ""  # the end service's name for the row

    def get_queryset(self):
        _filters, rows = api_filter_list(self.request, self.filterset_class,
                                     type(self).list_selector(user=self.request.user))
        return rows

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=EndSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        row = self.get_object()
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = type(self).end_service(actor=request.user, ended_on=serializer.validated_data.get("ended_on"),
                                     **{self.end_kwarg: row})
        return Response(self.get_serializer(row).data)


class DualRegistrationViewSet(_RegistryViewSet):
    """Dual registrations (双报到) at communities in scope. Filters: ``kind``, ``unit`` (code),
    ``current`` (default 1). Create ``{member, community, commitment, started_on}``; ``POST …/end/``."""

    serializer_class = DualRegistrationSerializer
    filterset_class = DualRegistrationFilterSet
    list_selector = selectors.dual_registration_list
    create_service = services.dual_registration_create
    end_service = services.dual_registration_end
    end_kwarg = "registration"

    def base_queryset(self):
        return DualRegistration.objects.select_related("member", "community")


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


class PartTimeMemberViewSet(_RegistryViewSet):
    """Part-time committee members (兼职委员) seated on committees in scope. Filters: ``unit`` (code),
    ``current`` (default 1). ``POST …/end/`` ends the term."""

    serializer_class = PartTimeMemberSerializer
    filterset_class = PartTimeMemberFilterSet
    list_selector = selectors.part_time_member_list
    create_service = services.part_time_member_create
    end_service = services.part_time_member_end
    end_kwarg = "part_time_member"

    def base_queryset(self):
        return PartTimeMember.objects.select_related("seat", "home_unit", "member")
