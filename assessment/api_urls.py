from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import QuotaView, RegularViewSet, YearResultViewSet

router = DefaultRouter()
router.register("regular", RegularViewSet, basename="assessment-regular")
router.register("results", YearResultViewSet, basename="assessment-yearresult")
urlpatterns = [path("quotas/", QuotaView.as_view(), name="assessment-quotas"), *router.urls]
