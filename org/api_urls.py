from rest_framework.routers import DefaultRouter

from .api.members import MemberViewSet
from .api.registrations import DualRegistrationViewSet, PartTimeMemberViewSet
from .api.transfers import TransferViewSet
from .api.tree import OrgUnitViewSet

router = DefaultRouter()
router.register("units", OrgUnitViewSet, basename="orgunit")
router.register("members", MemberViewSet, basename="member")
router.register("dual-registrations", DualRegistrationViewSet, basename="dualregistration")
router.register("part-time-members", PartTimeMemberViewSet, basename="parttimemember")
router.register("transfers", TransferViewSet, basename="transfer")
urlpatterns = router.urls
