from django.urls import path

from . import api

urlpatterns = [
    path("figures/", api.FiguresView.as_view(), name="api_figures"),
    path("figures/series/", api.FigureSeriesView.as_view(), name="api_figure_series"),
]
