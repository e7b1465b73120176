"""API of the assessment system: regular assessments and year-end results in scope (read-only, the
same FilterSets as the pages) and the excellence quotas ``GET /api/assessment/quotas/?year=&unit=``."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api_views import ScopedViewSetMixin
from core.scoping import Action
from org.models import OrgUnit

from . import selectors
from .filtersets import RegularFilter, YearResultFilter
from .models import IndicatorScore, RegularAssessment, YearResult


class IndicatorScoreSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IndicatorScore
        fields = ["indicator", "value", "score", "records", "detail", "evidence", "comment", "entered_at"]
        read_only_fields = fields


class RegularSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="scheme.assessee_kind", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reviewer_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scores = IndicatorScoreSerializer(many=True, read_only=True)

    class Meta:
        model = RegularAssessment
        fields = ["id", "scheme", "kind", "period", "unit", "department", "person", "reviewer_unit", "deadline",
                  "state", "score", "grade", "completed_on", "scores"]
        read_only_fields = fields


class YearResultSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="scheme.assessee_kind", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reviewer_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = YearResult
        fields = ["id", "scheme", "kind", "year", "unit", "department", "person", "reviewer_unit", "regular_count",
                  "regular_avg", "review_score", "vote_score", "total", "score_grade", "grade", "frozen"]
        read_only_fields = fields


class RegularViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Regular assessments in scope (one's own included), with their indicator scores and records."""

    serializer_class = RegularSerializer
    filterset_class = RegularFilter

    def base_queryset(self):
        return selectors.regular_list(user=self.request.user).prefetch_related("scores__indicator")

    def get_queryset(self):
        return self.base_queryset()


class YearResultViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = YearResultSerializer
    filterset_class = YearResultFilter

    def base_queryset(self):
        return selectors.year_result_list(user=self.request.user)

    def get_queryset(self):
        return self.base_queryset()


class QuotaQuery(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, error_messages={
        "required": _("Give the year."), "invalid": _("The year is a number such as 2026.")})
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), to_field_name="code", required=False,
                                  error_messages={"invalid_choice": _("No unit with this code in your scope.")})


class QuotaRowSerializer(serializers.Serializer):
    unit = serializers.CharField()
    assessee_kind = serializers.CharField()
    headcount = serializers.IntegerField()
    base_pct = serializers.IntegerField()
    lapses = serializers.IntegerField()
    lapse_detail = serializers.ListField(child=serializers.DictField())
    computed_cut = serializers.IntegerField()
    override = serializers.BooleanField()
    override_reason = serializers.CharField()
    cut_points = serializers.IntegerField()
    quota = serializers.IntegerField()
    excellent = serializers.IntegerField()


class QuotaView(APIView):
    """The excellence quota of every assessing unit in scope for a year: ``floor(headcount × (base − cut)
    / 100)`` with the lapses behind the cut (``?year=YYYY`` required, ``&unit=CODE`` its subtree)."""

    @extend_schema(responses=QuotaRowSerializer(many=True))
    def get(self, request):
        query = QuotaQuery(request.query_params)
        query.fields["unit"].queryset = OrgUnit.objects.for_user(request.user, Action.VIEW)
        if not query.is_valid():
            return Response(query.errors, status=status.HTTP_400_BAD_REQUEST)
        rows = selectors.quota_rows(user=request.user, year=query.cleaned_data["year"],
                                    unit=query.cleaned_data["unit"])
        return Response(QuotaRowSerializer(rows, many=True).data)
