from rest_framework.routers import DefaultRouter

from .api import (
    CaseViewSet,
    DispatchSheetViewSet,
    KeyTaskViewSet,
    LetterViewSet,
    NoticeViewSet,
    NotificationViewSet,
    VisitRecordViewSet,
)
from .api.delegated import DelegatedItemViewSet

router = DefaultRouter()
router.register("visits", VisitRecordViewSet, basename="visit")
router.register("cases", CaseViewSet, basename="case")
router.register("dispatch-sheets", DispatchSheetViewSet, basename="dispatchsheet")
router.register("tasks", KeyTaskViewSet, basename="keytask")
router.register("letters", LetterViewSet, basename="letter")
router.register("notices", NoticeViewSet, basename="notice")
router.register("delegated-items", DelegatedItemViewSet, basename="delegateditem")
router.register("notifications", NotificationViewSet, basename="notification")
urlpatterns = router.urls
