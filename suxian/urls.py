from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("org/", include("org.urls")),
    path("supervision/", include("supervision.urls")),
    path("governance/", include("governance.urls")),
    path("resources/", include("resources.urls")),
    path("assessment/", include("assessment.urls")),
    path("", include("cockpit.urls")),
    path("api/", include("suxian.api_urls")),
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
]
