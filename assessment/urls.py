from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.RegularListView.as_view(), name="regular_list"),
    path("regular/<int:pk>/", views.RegularDetailView.as_view(), name="regular_detail"),
    path("regular/<int:pk>/score/", views.RegularScoreView.as_view(), name="regular_score"),
    path("regular/<int:pk>/complete/", views.RegularCompleteView.as_view(), name="regular_complete"),
    path("board/", views.BoardView.as_view(), name="board"),
    path("board/export/", views.BoardExportView.as_view(), name="board_export"),
    path("years/finalise/", views.YearFinaliseView.as_view(), name="year_finalise"),
    path("years/reopen/", views.YearReopenView.as_view(), name="year_reopen"),
    path("quotas/override/", views.QuotaOverrideView.as_view(), name="quota_override"),
    path("results/<int:pk>/", views.YearResultDetailView.as_view(), name="result_detail"),
    path("results/<int:pk>/review/", views.YearResultReviewView.as_view(), name="result_review"),
    path("results/<int:pk>/debrief/", views.YearResultDebriefView.as_view(), name="result_debrief"),
    path("results/<int:pk>/excellent/", views.ExcellentProposeView.as_view(), name="excellent_propose"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/copy/", views.SchemeCopyView.as_view(), name="scheme_copy"),
    path("schemes/<int:pk>/activate/", views.SchemeActivateView.as_view(), name="scheme_activate"),
    path("schemes/<int:pk>/indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.IndicatorDeleteView.as_view(), name="indicator_delete"),
]
