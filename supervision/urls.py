from django.urls import path

from .views import cases, consultation, delegated, dispatch, home, inspections, tasks, visits

app_name = "supervision"
urlpatterns = [
    path("", home.SupervisionHomeView.as_view(), name="home"),
    # 周纪实
    path("visits/", visits.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", visits.VisitCreateView.as_view(), name="visit_create"),
    path("visits/coverage/", visits.VisitCoverageView.as_view(), name="visit_coverage"),
    # cases
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/new/", cases.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/<slug:action>/", cases.CaseActionView.as_view(), name="case_action"),
    # 月调度
    path("dispatch/", dispatch.DispatchSheetListView.as_view(), name="dispatch_list"),
    path("dispatch/generate/", dispatch.DispatchSheetGenerateView.as_view(), name="dispatch_generate"),
    path("dispatch/<int:pk>/", dispatch.DispatchSheetDetailView.as_view(), name="dispatch_detail"),
    path("dispatch/<int:pk>/export/", dispatch.DispatchSheetExportView.as_view(), name="dispatch_export"),
    path("dispatch/<int:pk>/meeting/", dispatch.DispatchMeetingCreateView.as_view(), name="dispatch_meeting"),
    # 季化解
    path("consultations/", consultation.ConsultationListView.as_view(), name="consultation_list"),
    path("consultations/build/", consultation.ConsultationBuildView.as_view(), name="consultation_build"),
    path("consultations/<int:pk>/", consultation.ConsultationDetailView.as_view(), name="consultation_detail"),
    path("consultations/<int:pk>/record/", consultation.ConsultationRecordView.as_view(),
         name="consultation_record"),
    path("consultations/items/<int:pk>/decide/", consultation.ConsultationDecideView.as_view(),
         name="consultation_decide"),
    # 责任清单 / 任务清单
    path("tasks/", tasks.KeyTaskListView.as_view(), name="task_list"),
    path("tasks/<int:pk>/", tasks.KeyTaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/issue-letter/", tasks.LetterIssueView.as_view(), name="letter_issue"),
    path("letters/<int:pk>/", tasks.LetterDetailView.as_view(), name="letter_detail"),
    path("letters/<int:pk>/report/", tasks.ProgressReportCreateView.as_view(), name="progress_report_create"),
    # 四不两直, 督办通报, 约谈问责
    path("inspections/", inspections.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/new/", inspections.InspectionCreateView.as_view(), name="inspection_create"),
    path("inspections/<int:pk>/", inspections.InspectionDetailView.as_view(), name="inspection_detail"),
    path("inspections/<int:pk>/findings/", inspections.FindingCreateView.as_view(), name="finding_create"),
    path("findings/", inspections.FindingListView.as_view(), name="finding_list"),
    path("rectifications/<int:pk>/follow-up/", inspections.RectificationFollowUpView.as_view(),
         name="rectification_follow_up"),
    path("notices/", inspections.NoticeListView.as_view(), name="notice_list"),
    path("notices/<int:pk>/", inspections.NoticeDetailView.as_view(), name="notice_detail"),
    path("notices/<int:pk>/issue/", inspections.NoticeActionView.as_view(action="issue"), name="notice_issue"),
    path("notices/<int:pk>/withdraw/", inspections.NoticeActionView.as_view(action="withdraw"),
         name="notice_withdraw"),
    path("notices/<int:pk>/interview/", inspections.NoticeActionView.as_view(action="interview"),
         name="notice_interview"),
    path("interviews/", inspections.InterviewListView.as_view(), name="interview_list"),
    # 下放服务事项
    path("delegated-items/", inspections.DelegatedItemListView.as_view(), name="delegated_item_list"),
    path("delegated-items/new/", delegated.DelegatedItemCreateView.as_view(), name="delegated_item_create"),
    path("delegated-items/<int:pk>/", delegated.DelegatedItemDetailView.as_view(), name="delegated_item_detail"),
    path("delegated-items/<int:pk>/edit/", delegated.DelegatedItemUpdateView.as_view(), name="delegated_item_update"),
    path("delegated-items/<int:pk>/withdraw/", delegated.DelegatedItemWithdrawView.as_view(),
         name="delegated_item_withdraw"),
    # notifications
    path("notifications/", home.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", home.NotificationReadView.as_view(), name="notification_read"),
    path("notifications/badge/", home.NotificationBadgeView.as_view(), name="notification_badge"),
]
