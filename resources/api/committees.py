from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api_views import ScopedViewSetMixin
from core.scoping import Action, get_object_for_user
from org.models import Education, Gender, OrgUnit

from .. import selectors, services
from ..choices import PartyPost, ResidentsPost
from ..filtersets import SeatFilter, TermFilter
from ..models import Seat, Term


class TermSerializer(serializers.ModelSerializer):
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    seat_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Term
        fields = ["id", "community", "community_code", "community_name", "number", "elected_on", "starts_on",
                  "ends_on", "note", "seat_count"]
        read_only_fields = fields


class TermCreateSerializer(serializers.Serializer):
    community = serializers.IntegerField()
    number = serializers.IntegerField(min_value=1, max_value=99)
    elected_on = serializers.DateField()
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class TermViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Committee terms in scope (``unit``, ``number``). POST creates a term (CHANGE over the community;
    a community out of scope is answered like a missing one: 404)."""

    serializer_class = TermSerializer
    filterset_class = TermFilter

    def base_queryset(self):
        return Term.objects.select_related("community")

    def get_queryset(self):
        return selectors.term_list(user=self.request.user)

    @extend_schema(request=TermCreateSerializer, responses={201: TermSerializer})
    def create(self, request, *args, **kwargs):
        data = TermCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        community = get_object_for_user(OrgUnit, request.user, Action.CHANGE, pk=values.pop("community"))
        term = services.term_create(actor=request.user, community=community, **values)
        term = selectors.term_list(user=request.user).get(pk=term.pk)
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)


class SeatSerializer(serializers.ModelSerializer):
    community = serializers.IntegerField(source="term.community_id", read_only=True)
    term_number = serializers.IntegerField(source="term.number", read_only=True)
    is_member = serializers.SerializerMethodField()
    one_shoulder = serializers.BooleanField(source="is_one_shoulder", read_only=True)

    class Meta:
        model = Seat
        fields = ["id", "term", "term_number", "community", "person_name", "is_member", "gender", "birth_date",
                  "education", "age_at_election", "party_post", "residents_post", "one_shoulder", "left_on"]
        read_only_fields = fields

    def get_is_member(self, obj) -> bool:
        return obj.member_id is not None


class SeatWriteSerializer(serializers.Serializer):
    term = serializers.IntegerField(required=False)
    lookup = serializers.CharField(required=False, allow_blank=True, max_length=32,
                                   help_text="a member's ID number or mobile")
    person_name = serializers.CharField(required=False, max_length=64)
    birth_date = serializers.DateField(required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    education = serializers.ChoiceField(choices=Education.choices, required=False)
    party_post = serializers.ChoiceField(choices=PartyPost.choices, required=False)
    residents_post = serializers.ChoiceField(choices=ResidentsPost.choices, required=False)


class SeatViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """Seats in scope (``unit``, ``term``, ``number``, posts). POST seats a person in a term (CHANGE over
    its community, else 404): a member by ``lookup`` (ID number or mobile, in scope), anyone else by
    name, birth date, gender and education. PATCH changes posts (and a non-member's data)."""

    serializer_class = SeatSerializer
    filterset_class = SeatFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Seat.objects.select_related("term__community", "member")

    def get_queryset(self):
        return selectors.seat_list(user=self.request.user)

    @extend_schema(request=SeatWriteSerializer, responses={201: SeatSerializer})
    def create(self, request, *args, **kwargs):
        data = SeatWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "term" not in values:
            raise serializers.ValidationError({"term": ["required"]})
        term = get_object_for_user(Term, request.user, Action.CHANGE, pk=values.pop("term"))
        lookup = values.pop("lookup", "")
        if lookup:
            member = selectors.member_pick(user=request.user, text=lookup)
            if member is None:
                raise serializers.ValidationError({"lookup": [serializers.ErrorDetail(
                    "no party member with this ID number or mobile in scope", code="no_member")]})
            values = {k: v for k, v in values.items() if k in ("party_post", "residents_post")}
            values["member"] = member
        seat = services.seat_create(actor=request.user, term=term, **values)
        return Response(SeatSerializer(self.base_queryset().get(pk=seat.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SeatWriteSerializer, responses={200: SeatSerializer})
    def partial_update(self, request, *args, **kwargs):
        seat = self.get_object()
        data = SeatWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k not in ("term", "lookup")}
        seat = services.seat_update(actor=request.user, seat=seat, **values)
        return Response(SeatSerializer(self.base_queryset().get(pk=seat.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)
