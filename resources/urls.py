from django.urls import path

from .views import committees, imports, overview, pairing

app_name = "resources"
urlpatterns = [
    path("", committees.TermStatsView.as_view(), name="home"),
    path("terms/", committees.TermListView.as_view(), name="term_list"),
    path("terms/<int:pk>/", committees.TermDetailView.as_view(), name="term_detail"),
    path("terms/<int:pk>/import/", imports.SeatImportView.as_view(), name="seat_import"),
    path("pairings/", pairing.PairingListView.as_view(), name="pairing_list"),
    path("pairings/<int:pk>/", pairing.PairingDetailView.as_view(), name="pairing_detail"),
    path("funds/", overview.FundsView.as_view(), name="funds"),
    path("premises/", overview.PremisesView.as_view(), name="premises"),
    path("training/", overview.TrainingView.as_view(), name="training"),
    path("stationed/", overview.StationedView.as_view(), name="stationed"),
]
