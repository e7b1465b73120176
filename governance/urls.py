from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.TopicList.as_view(), name="topic_list"),
    path("topics/new/", views.TopicRaise.as_view(), name="topic_raise"),
    path("topics/<int:pk>/", views.TopicDetail.as_view(), name="topic_detail"),
    path("meetings/", views.MeetingList.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreate.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/record/", views.MeetingRecord.as_view(), name="meeting_record"),
    path("resolutions/<int:pk>/", views.ResolutionRecord.as_view(), name="resolution_record"),
    path("resolutions/<int:pk>/implement/", views.WorkCreate.as_view(), name="work_create"),
    path("implementations/<int:pk>/progress/", views.WorkUpdate.as_view(), name="work_update"),
    path("implementations/<int:pk>/follow-up/", views.FollowUpRecord.as_view(), name="follow_up"),
    path("social-organisations/", views.SocialOrgList.as_view(), name="social_org_list"),
    path("postings/", views.PostingList.as_view(), name="posting_list"),
    path("floating/", views.FloatingList.as_view(), name="floating_list"),
]
