from rest_framework.routers import DefaultRouter

from .api import FloatingViewSet, MeetingViewSet, PostingViewSet, SocialOrgViewSet, TopicViewSet, WorkViewSet

router = DefaultRouter()
router.register("topics", TopicViewSet, basename="topic")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("implementations", WorkViewSet, basename="implementation")
router.register("social-organisations", SocialOrgViewSet, basename="socialorg")
router.register("instructor-postings", PostingViewSet, basename="posting")
router.register("floating-members", FloatingViewSet, basename="floating")
urlpatterns = router.urls
