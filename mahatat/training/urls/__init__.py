"""Training routes, gathered from one module per part of the domain (names live in the "training" namespace)."""

from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("", include("mahatat.training.urls.catalogue")),
    path("", include("mahatat.training.urls.learners")),
    path("", include("mahatat.training.urls.backoffice")),
    path("", include("mahatat.training.urls.waitlist")),
    path("", include("mahatat.training.urls.attendance")),
    path("", include("mahatat.training.urls.certificates")),
    path("", include("mahatat.training.urls.planning")),
    path("", include("mahatat.training.urls.reports")),
]
