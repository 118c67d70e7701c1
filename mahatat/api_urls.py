"""The versioned API: /api/v1/. Each app's api.py holds one view per operation; routes are gathered here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("mahatat.stations.api_urls")),
    path("", include("mahatat.accounts.api_urls")),
]
