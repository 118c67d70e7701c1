from django.urls import path

from . import api

urlpatterns = [
    path("stations/", api.StationListView.as_view(), name="api-stations-list"),
    # <path:> so that any code, even one with a slash, reaches the view and gets a JSON 404.
    path("stations/<path:code>/", api.StationDetailView.as_view(), name="api-stations-detail"),
]
