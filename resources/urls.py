from django.urls import path

from .views import cadres, committees, funds, imports, overview, pairing, premises, training

app_name = "resources"
urlpatterns = [
    path("", committees.TermStatsView.as_view(), name="home"),
    path("stats/export/", committees.TermStatsExportView.as_view(), name="stats_export"),
    path("terms/", committees.TermListView.as_view(), name="term_list"),
    path("terms/new/", committees.TermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/", committees.TermDetailView.as_view(), name="term_detail"),
    path("terms/<int:pk>/export/", committees.TermRosterExportView.as_view(), name="term_export"),
    path("terms/<int:pk>/import/", imports.SeatImportView.as_view(), name="seat_import"),
    path("seats/<int:pk>/end/", committees.SeatEndView.as_view(), name="seat_end"),
    path("seats/<int:pk>/career/", cadres.CareerEventCreateView.as_view(), name="career_event_create"),
    path("cadres/", cadres.CareerEventListView.as_view(), name="cadres"),
    path("pairings/", pairing.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", pairing.PairingCreateView.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/", pairing.PairingDetailView.as_view(), name="pairing_detail"),
    path("pairings/<int:pk>/end/", pairing.PairingEndView.as_view(), name="pairing_end"),
    path("funds/", overview.FundsView.as_view(), name="funds"),
    path("funds/new/", funds.AllocationCreateView.as_view(), name="allocation_create"),
    path("funds/standards/", funds.FundStandardView.as_view(), name="fund_standards"),
    path("funds/<int:pk>/", funds.AllocationDetailView.as_view(), name="allocation_detail"),
    path("premises/", overview.PremisesView.as_view(), name="premises"),
    path("premises/new/", premises.PremiseCreateView.as_view(), name="premise_create"),
    path("premises/<int:pk>/", premises.PremiseDetailView.as_view(), name="premise_detail"),
    path("premises/revivals/new/", premises.IdleRevivalCreateView.as_view(), name="revival_create"),
    path("premises/venues/new/", premises.SharedVenueCreateView.as_view(), name="venue_create"),
    path("renovations/<int:pk>/accept/", premises.RenovationAcceptView.as_view(), name="renovation_accept"),
    path("training/", overview.TrainingView.as_view(), name="training"),
    path("training/new/", training.TrainingCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/", training.TrainingDetailView.as_view(), name="training_detail"),
    path("stationed/", overview.StationedView.as_view(), name="stationed"),
    path("stationed/new/", cadres.StationedCreateView.as_view(), name="stationed_create"),
    path("stationed/<int:pk>/end/", cadres.StationedEndView.as_view(), name="stationed_end"),
]
