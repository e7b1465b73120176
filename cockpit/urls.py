from django.urls import path

from . import views

app_name = "cockpit"
urlpatterns = [
    path("cockpit/", views.CockpitView.as_view(), name="cockpit"),
    path("cockpit/children/", views.CockpitChildrenView.as_view(), name="children"),
    path("report/", views.ReportView.as_view(), name="report"),
]
