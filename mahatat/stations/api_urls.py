from django.urls import path, re_path

from . import api

urlpatterns = [
    path("stations/", api.StationListView.as_view(), name="api-stations-list"),
    # Any code at all (slashes, line breaks) reaches the view, which answers a JSON 404 for a code that is not one.
    re_path(r"^stations/(?P<code>[\s\S]+)/\Z", api.StationDetailView.as_view(), name="api-stations-detail"),
]
