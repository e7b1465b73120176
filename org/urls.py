from django.urls import path

from . import views, views_import

app_name = "org"
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
]
