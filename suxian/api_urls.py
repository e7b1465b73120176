from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import LogoutTokenView, ObtainTokenView

urlpatterns = [
    path("auth/token/", login_not_required(ObtainTokenView.as_view()), name="api_token"),
    path("auth/logout/", LogoutTokenView.as_view(), name="api_logout"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("org/", include("org.api_urls")),
    path("supervision/", include("supervision.api_urls")),
    path("governance/", include("governance.api_urls")),
    path("resources/", include("resources.api_urls")),
    path("assessment/", include("assessment.api_urls")),
    path("", include("cockpit.api_urls")),
]
