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
    path("social-organisations/import/", views.SocialOrgImport.as_view(), name="social_org_import"),
    path("social-organisations/import/template/", views.SocialOrgImportTemplate.as_view(),
         name="social_org_import_template"),
    path("postings/", views.PostingList.as_view(), name="posting_list"),
    path("postings/new/", views.PostingCreate.as_view(), name="posting_create"),
    path("committees/", views.CommitteeList.as_view(), name="committee_list"),
    path("committees/<int:pk>/", views.CommitteeDetail.as_view(), name="committee_detail"),
    path("committees/<int:pk>/seats/", views.SeatAdd.as_view(), name="seat_add"),
    path("floating/", views.FloatingList.as_view(), name="floating_list"),
    path("competitions/", views.CompetitionList.as_view(), name="competition_list"),
    path("competitions/new/", views.CompetitionCreate.as_view(), name="competition_create"),
    path("competitions/<int:pk>/", views.CompetitionDetail.as_view(), name="competition_detail"),
    path("competitions/<int:pk>/enter/", views.EntrySubmit.as_view(), name="entry_submit"),
    path("competitions/<int:pk>/publish/", views.CompetitionPublish.as_view(), name="competition_publish"),
    path("entries/<int:pk>/score/", views.ScoreEntry.as_view(), name="entry_score"),
]
