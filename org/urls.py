from django.urls import path

from . import views, views_import, views_members

app_name = "org"
vm = views_members
views_members_urls = [
    path("members/", vm.MemberListView.as_view(), name="member_list"),
    path("members/add/", vm.MemberCreateView.as_view(), name="member_create"),
    path("members/export/", vm.MemberExportView.as_view(), name="member_export"),
    path("members/<int:pk>/", vm.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", vm.MemberUpdateView.as_view(), name="member_update"),
    path("members/<int:pk>/transfer/", vm.MemberTransferView.as_view(), name="member_transfer"),
    path("members/<int:pk>/reveal/", vm.MemberRevealView.as_view(), name="member_reveal"),
    path("members/import/", vm.RosterImportView.as_view(), name="roster_import"),
    path("members/import/template/", vm.RosterImportTemplateView.as_view(), name="roster_import_template"),
    path("members/imports/", vm.RosterImportListView.as_view(), name="roster_import_list"),
    path("members/imports/<int:pk>/", vm.RosterImportRecordView.as_view(), name="roster_import_record"),
    path("members/imports/<int:pk>/confirm/", vm.RosterImportRecordConfirmView.as_view(),
         name="roster_import_record_confirm"),
    path("members/imports/<int:pk>/errors/", vm.RosterImportErrorsView.as_view(), name="roster_import_errors"),
    path("dual-registrations/", vm.DualRegistrationListView.as_view(), name="dual_registration_list"),
    path("dual-registrations/add/", vm.DualRegistrationCreateView.as_view(), name="dual_registration_create"),
    path("dual-registrations/<int:pk>/end/", vm.DualRegistrationEndView.as_view(), name="dual_registration_end"),
    path("part-time-members/", vm.PartTimeMemberListView.as_view(), name="part_time_member_list"),
    path("part-time-members/add/", vm.PartTimeMemberCreateView.as_view(), name="part_time_member_create"),
    path("part-time-members/<int:pk>/end/", vm.PartTimeMemberEndView.as_view(), name="part_time_member_end"),
    path("transfers/", vm.TransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/approve/", vm.TransferActionView.as_view(action="approve"), name="transfer_approve"),
    path("transfers/<int:pk>/return/", vm.TransferActionView.as_view(action="return"), name="transfer_return"),
    path("transfers/<int:pk>/complete/", vm.TransferActionView.as_view(action="complete"),
         name="transfer_complete"),
    path("transfer-batches/", vm.TransferBatchListView.as_view(), name="transfer_batch_list"),
    path("transfer-batches/<int:pk>/", vm.TransferBatchDetailView.as_view(), name="transfer_batch_detail"),
    path("transfer-batches/<int:pk>/complete/", vm.TransferBatchCompleteView.as_view(),
         name="transfer_batch_complete"),
]
urlpatterns = [
    path("", views.OrgUnitTreeView.as_view(), name="orgunit_tree"),
    path("search/", views.OrgUnitSearchView.as_view(), name="orgunit_search"),
    path("units/<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("units/<int:pk>/children/", views.OrgUnitChildrenView.as_view(), name="orgunit_children"),
    path("units/<int:parent_pk>/add/", views.OrgUnitCreateView.as_view(), name="orgunit_create"),
    path("units/<int:pk>/edit/", views.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("units/<int:pk>/move/", views.OrgUnitMoveView.as_view(), name="orgunit_move"),
    path("units/<int:pk>/delete/", views.OrgUnitDeleteView.as_view(), name="orgunit_delete"),
    path("import/", views_import.OrgUnitImportView.as_view(), name="orgunit_import"),
    path("import/template/", views_import.OrgUnitImportTemplateView.as_view(), name="orgunit_import_template"),
    *views_members_urls,
]
