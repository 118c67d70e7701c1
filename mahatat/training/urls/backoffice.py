"""Routes: Staff pages for programmes, cohorts, their sessions, and the trainer pool."""

from django.urls import path

from ..views import cohorts_admin, programmes_admin, trainers_admin

urlpatterns = [
    path("staff/training/cohorts/", cohorts_admin.staff_cohorts, name="staff_cohorts"),
    path("staff/training/cohorts/new/", cohorts_admin.cohort_create, name="staff_cohort_create"),
    path("staff/training/cohorts/<int:pk>/", cohorts_admin.staff_cohort, name="staff_cohort"),
    path("staff/training/cohorts/<int:pk>/edit/", cohorts_admin.cohort_edit, name="staff_cohort_edit"),
    path("staff/training/cohorts/<int:pk>/<slug:step>/", cohorts_admin.cohort_step, name="staff_cohort_step"),
    path(
        "staff/training/cohorts/<int:pk>/sessions/add/", cohorts_admin.session_add, name="staff_session_add"
    ),
    path(
        "staff/training/cohorts/<int:pk>/sessions/series/",
        cohorts_admin.session_series,
        name="staff_session_series",
    ),
    path(
        "staff/training/cohorts/<int:pk>/sessions/<int:session_pk>/",
        cohorts_admin.session_edit,
        name="staff_session_edit",
    ),
    path(
        "staff/training/cohorts/<int:pk>/sessions/<int:session_pk>/delete/",
        cohorts_admin.session_delete,
        name="staff_session_delete",
    ),
    path(
        "staff/training/cohorts/<int:pk>/places/<int:enrolment_pk>/cancel/",
        cohorts_admin.place_cancel,
        name="staff_place_cancel",
    ),
    path("staff/training/programmes/", programmes_admin.programmes, name="programmes"),
    path("staff/training/programmes/new/", programmes_admin.programme_create, name="programme_create"),
    path("staff/training/programmes/<int:pk>/", programmes_admin.programme_edit, name="programme_edit"),
    path("staff/training/trainers/", trainers_admin.trainers, name="trainers"),
    path("staff/training/trainers/new/", trainers_admin.trainer_create, name="trainer_create"),
    path("staff/training/trainers/<int:pk>/", trainers_admin.trainer, name="trainer"),
    path("staff/training/trainers/<int:pk>/edit/", trainers_admin.trainer_edit, name="trainer_edit"),
]
