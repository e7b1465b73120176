from django.urls import path

from .views import batches, conference, grids, imports, members, registrations, transfers, tree
from .views import new_domain as new_domain_views

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
    path("transfer-batches/", batches.TransferBatchListView.as_view(), name="transfer_batch_list"),
    path("transfer-batches/new/", batches.TransferBatchCreateView.as_view(), name="transfer_batch_create"),
    path("transfer-batches/template/", batches.TransferBatchTemplateView.as_view(), name="transfer_batch_template"),
    path("transfer-batches/<int:pk>/", batches.TransferBatchDetailView.as_view(), name="transfer_batch_detail"),
    path("transfer-batches/<int:pk>/complete/", batches.TransferBatchCompleteView.as_view(),
         name="transfer_batch_complete"),
]
new_domain_urls = [
    path("new-domain/", new_domain_views.NewDomainOrgListView.as_view(), name="new_domain_org_list"),
    path("new-domain/add/", new_domain_views.NewDomainOrgCreateView.as_view(), name="new_domain_org_create"),
    path("new-domain/<int:pk>/edit/", new_domain_views.NewDomainOrgUpdateView.as_view(), name="new_domain_org_update"),
    path("new-domain/<int:pk>/end/", new_domain_views.NewDomainOrgEndView.as_view(), name="new_domain_org_end"),
]
conference_urls = [
    path("joint-conferences/", conference.JointConferenceListView.as_view(), name="joint_conference_list"),
    path("joint-conferences/add/", conference.JointConferenceCreateView.as_view(), name="joint_conference_create"),
    path("joint-conferences/<int:pk>/", conference.JointConferenceDetailView.as_view(),
         name="joint_conference_detail"),
    path("joint-conferences/<int:pk>/members/add/", conference.ConferenceMemberAddView.as_view(),
         name="joint_conference_member_add"),
    path("joint-conferences/<int:pk>/meetings/add/", conference.ConferenceMeetingCreateView.as_view(),
         name="joint_meeting_create"),
    path("joint-conferences/<int:pk>/resources/add/", conference.JointResourceCreateView.as_view(),
         name="joint_resource_create"),
    path("joint-conferences/<int:pk>/projects/add/", conference.JointProjectCreateView.as_view(),
         name="joint_project_create"),
    path("joint-conference-members/<int:pk>/end/", conference.ConferenceMemberEndView.as_view(),
         name="joint_conference_member_end"),
    path("joint-meetings/<int:pk>/", conference.ConferenceMeetingDetailView.as_view(), name="joint_meeting_detail"),
    path("joint-meetings/<int:pk>/resolutions/add/", conference.ConferenceResolutionCreateView.as_view(),
         name="joint_resolution_create"),
    path("joint-needs/", conference.JointNeedListView.as_view(), name="joint_need_list"),
    path("joint-needs/add/", conference.JointNeedCreateView.as_view(), name="joint_need_create"),
    path("joint-needs/raise/", conference.JointNeedRaiseView.as_view(), name="joint_need_raise"),
    path("joint-projects/", conference.JointProjectListView.as_view(), name="joint_project_list"),
    path("joint-projects/<int:pk>/", conference.JointProjectDetailView.as_view(), name="joint_project_detail"),
    path("joint-projects/<int:pk>/<slug:step>/", conference.JointProjectStepView.as_view(),
         name="joint_project_step"),
]
grid_urls = [
    path("grids/", grids.GridListView.as_view(), name="grid_list"),
    path("grids/add/", grids.GridCreateView.as_view(), name="grid_create"),
    path("grids/<int:pk>/", grids.GridDetailView.as_view(), name="grid_detail"),
    path("grids/<int:pk>/edit/", grids.GridUpdateView.as_view(), name="grid_update"),
    path("grids/<int:pk>/people/add/", grids.GridAssignmentCreateView.as_view(), name="grid_assignment_create"),
    path("grid-assignments/<int:pk>/end/", grids.GridAssignmentEndView.as_view(), name="grid_assignment_end"),
    path("grid-matters/", grids.GridMatterListView.as_view(), name="grid_matter_list"),
    path("grid-matters/add/", grids.GridMatterCreateView.as_view(), name="grid_matter_create"),
    path("grid-matters/<int:pk>/toggle/", grids.GridMatterToggleView.as_view(), name="grid_matter_toggle"),
]
urlpatterns = [*tree_urls, *member_urls, *import_urls, *registration_urls, *transfer_urls, *new_domain_urls,
               *conference_urls, *grid_urls]
