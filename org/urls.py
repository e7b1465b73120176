from django.urls import path

from .views import imports, members, registrations, transfers, tree

app_name = "org"
tree_urls = [
    path("", tree.OrgUnitTreeView.as_view(), name="orgunit_tree"),
    path("search/", tree.OrgUnitSearchView.as_view(), name="orgunit_search"),
    path("units/<int:pk>/", tree.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("units/<int:pk>/children/", tree.OrgUnitChildrenView.as_view(), name="orgunit_children"),
    path("units/<int:parent_pk>/add/", tree.OrgUnitCreateView.as_view(), name="orgunit_create"),
    path("units/<int:pk>/edit/", tree.OrgUnitUpdateView.as_view(), name="orgunit_update"),
    path("units/<int:pk>/move/", tree.OrgUnitMoveView.as_view(), name="orgunit_move"),
    path("units/<int:pk>/delete/", tree.OrgUnitDeleteView.as_view(), name="orgunit_delete"),
]
member_urls = [
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/add/", members.MemberCreateView.as_view(), name="member_create"),
    path("members/export/", members.MemberExportView.as_view(), name="member_export"),
    path("members/<int:pk>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", members.MemberUpdateView.as_view(), name="member_update"),
    path("members/<int:pk>/reveal/", members.MemberRevealView.as_view(), name="member_reveal"),
]
import_urls = [
    path("import/", imports.OrgUnitImportView.as_view(), name="orgunit_import"),
    path("import/template/", imports.OrgUnitImportTemplateView.as_view(), name="orgunit_import_template"),
    path("members/import/", imports.RosterImportView.as_view(), name="roster_import"),
    path("members/import/template/", imports.RosterImportTemplateView.as_view(), name="roster_import_template"),
    path("members/imports/", imports.RosterImportListView.as_view(), name="roster_import_list"),
    path("members/imports/<int:pk>/", imports.RosterImportRecordView.as_view(), name="roster_import_record"),
    path("members/imports/<int:pk>/confirm/", imports.RosterImportRecordConfirmView.as_view(),
         name="roster_import_record_confirm"),
    path("members/imports/<int:pk>/errors/", imports.RosterImportErrorsView.as_view(), name="roster_import_errors"),
]
registration_urls = [
    path("dual-registrations/", registrations.DualRegistrationListView.as_view(), name="dual_registration_list"),
    path("dual-registrations/add/", registrations.DualRegistrationCreateView.as_view(),
         name="dual_registration_create"),
    path("dual-registrations/<int:pk>/end/", registrations.DualRegistrationEndView.as_view(),
         name="dual_registration_end"),
    path("part-time-members/", registrations.PartTimeMemberListView.as_view(), name="part_time_member_list"),
    path("part-time-members/add/", registrations.PartTimeMemberCreateView.as_view(),
         name="part_time_member_create"),
    path("part-time-members/<int:pk>/end/", registrations.PartTimeMemberEndView.as_view(),
         name="part_time_member_end"),
]
transfer_urls = [
    path("members/<int:pk>/transfer/", transfers.MemberTransferView.as_view(), name="member_transfer"),
    path("transfers/", transfers.TransferListView.as_view(), name="transfer_list"),
    path("transfers/<int:pk>/approve/", transfers.TransferActionView.as_view(action="approve"),
         name="transfer_approve"),
    path("transfers/<int:pk>/return/", transfers.TransferActionView.as_view(action="return"),
         name="transfer_return"),
    path("transfers/<int:pk>/complete/", transfers.TransferActionView.as_view(action="complete"),
         name="transfer_complete"),
    path("transfer-batches/", transfers.TransferBatchListView.as_view(), name="transfer_batch_list"),
    path("transfer-batches/<int:pk>/", transfers.TransferBatchDetailView.as_view(), name="transfer_batch_detail"),
    path("transfer-batches/<int:pk>/complete/", transfers.TransferBatchCompleteView.as_view(),
         name="transfer_batch_complete"),
]
urlpatterns = [*tree_urls, *member_urls, *import_urls, *registration_urls, *transfer_urls]
