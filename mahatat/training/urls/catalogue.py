"""Routes: The public catalogue, cohort pages and online enrolment."""

from django.urls import path

from ..views import catalogue as views

urlpatterns = [
    path("training/", views.catalogue, name="catalogue"),
    path("training/cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("training/cohorts/<int:pk>/seats/", views.cohort_seats, name="cohort_seats"),
    path("training/cohorts/<int:pk>/enrol/", views.enrol, name="cohort_enrol"),
    path("training/cohorts/<int:pk>/cancel/", views.cancel, name="cohort_cancel"),
]
