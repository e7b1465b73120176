from rest_framework.routers import DefaultRouter

from .api import FundViewSet, PairingViewSet, PremiseViewSet, SeatViewSet, TermViewSet, TrainingViewSet

router = DefaultRouter()
router.register("terms", TermViewSet, basename="term")
router.register("seats", SeatViewSet, basename="seat")
router.register("trainings", TrainingViewSet, basename="training")
router.register("funds", FundViewSet, basename="fund")
router.register("premises", PremiseViewSet, basename="premise")
router.register("pairings", PairingViewSet, basename="pairing")
urlpatterns = router.urls
