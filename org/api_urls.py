from rest_framework.routers import DefaultRouter

from .api.batches import TransferBatchViewSet
from .api.conference import JointConferenceViewSet, JointProjectViewSet
from .api.grids import GridViewSet
from .api.members import MemberViewSet
from .api.new_domain import NewDomainOrgViewSet
from .api.registrations import DualRegistrationViewSet, PartTimeMemberViewSet
from .api.transfers import TransferViewSet
from .api.tree import OrgUnitViewSet

router = DefaultRouter()
router.register("units", OrgUnitViewSet, basename="orgunit")
router.register("members", MemberViewSet, basename="member")
router.register("dual-registrations", DualRegistrationViewSet, basename="dualregistration")
router.register("part-time-members", PartTimeMemberViewSet, basename="parttimemember")
router.register("transfers", TransferViewSet, basename="transfer")
router.register("transfer-batches", TransferBatchViewSet, basename="transferbatch")
router.register("new-domain-orgs", NewDomainOrgViewSet, basename="newdomainorg")
router.register("joint-conferences", JointConferenceViewSet, basename="jointconference")
router.register("joint-projects", JointProjectViewSet, basename="jointproject")
router.register("grids", GridViewSet, basename="grid")
urlpatterns = router.urls
