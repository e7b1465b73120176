from rest_framework.routers import DefaultRouter

from .api import OrgUnitViewSet

router = DefaultRouter()
router.register("units", OrgUnitViewSet, basename="orgunit")
urlpatterns = router.urls
