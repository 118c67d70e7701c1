from django.urls import path

from . import api

urlpatterns = [
    path("training/cohorts/", api.CohortListView.as_view(), name="api-training-cohorts"),
    path("training/cohorts/<int:pk>/", api.CohortDetailView.as_view(), name="api-training-cohort"),
    path("training/cohorts/<int:pk>/enrol/", api.EnrolView.as_view(), name="api-training-enrol"),
    path("training/enrolments/", api.MyEnrolmentsView.as_view(), name="api-training-enrolments"),
    path(
        "training/enrolments/<int:pk>/cancel/",
        api.CancelEnrolmentView.as_view(),
        name="api-training-enrolment-cancel",
    ),
    path(
        "training/enrolments/<int:pk>/accept/",
        api.AcceptOfferView.as_view(),
        name="api-training-offer-accept",
    ),
    path(
        "training/enrolments/<int:pk>/decline/",
        api.DeclineOfferView.as_view(),
        name="api-training-offer-decline",
    ),
    path(
        "training/enrolments/<int:pk>/any-station/",
        api.AnyStationView.as_view(),
        name="api-training-any-station",
    ),
    path(
        "training/sessions/<int:pk>/attendance/",
        api.SessionAttendanceView.as_view(),
        name="api-training-attendance",
    ),
    path("training/check-in/", api.CheckInView.as_view(), name="api-training-check-in"),
]
