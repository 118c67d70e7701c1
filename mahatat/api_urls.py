"""The versioned API: /api/v1/. Each app's api.py holds one view per operation; routes are gathered here."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


@csrf_exempt  # a POST to a path that is not one (e.g. /cohorts/-1/enrol/) is a JSON 404, not a CSRF page
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /api/v1/ answers in JSON, as the API does, not with the site's HTML 404 page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("mahatat.stations.api_urls")),
    path("", include("mahatat.accounts.api_urls")),
    path("", include("mahatat.training.api_urls")),
    # Last. Only paths ending in a slash, so that CommonMiddleware still appends a missing one.
    re_path(r"^(?P<rest>(?:[\s\S]*/)?)\Z", not_found, name="api-not-found"),
]
