"""The figures API: ``GET /api/figures/?unit=CODE&year=YYYY`` answers exactly ``manage.py figures --json
--unit CODE --year YYYY`` (the same function, the same serialisation); ``GET /api/figures/series/?key=K
&unit=CODE&year=YYYY`` a key's monthly series. Scoped: a unit outside the caller's view scope is 404,
like a missing one; a bad parameter is 400."""
from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .common import SeveralRoots, resolve_period
from .forms import PeriodForm, SeriesForm

UNIT = OpenApiParameter("unit", str, description="unit code (default: the caller's single scope root)")
YEAR = OpenApiParameter("year", int, description="year (default: this year)")
KEY = OpenApiParameter("key", str, required=True, description="figure key with a monthly series")


def _several(exc: SeveralRoots) -> Response:
    return Response({"unit": ["several top units in your scope: give unit"],
                     "roots": [u.code for u in exc.roots]}, status=400)


class FiguresView(APIView):
    @extend_schema(parameters=[UNIT, YEAR], responses={200: dict})
    def get(self, request):
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            return Response(form.errors.get_json_data(), status=400)
        try:
            period = resolve_period(request.user, form.cleaned_data, pick_first=False)
        except SeveralRoots as exc:
            return _several(exc)
        return HttpResponse(selectors.figures_json(period.unit, period.year), content_type="application/json")


class FigureSeriesView(APIView):
    @extend_schema(parameters=[KEY, UNIT, YEAR], responses={200: dict})
    def get(self, request):
        form = SeriesForm(request.query_params)
        if not form.is_valid():
            return Response({**form.errors.get_json_data(), "keys": sorted(selectors.SERIES)}, status=400)
        try:
            period = resolve_period(request.user, form.cleaned_data, pick_first=False)
        except SeveralRoots as exc:
            return _several(exc)
        return Response(selectors.series_for(form.cleaned_data["key"], period.unit, period.year))
