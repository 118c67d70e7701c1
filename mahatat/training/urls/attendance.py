"""Routes: The trainer's roster, the rotating QR self check-in, and completion."""

from django.urls import path

from ..views import attendance

urlpatterns = [
    path("staff/training/sessions/<int:pk>/roster/", attendance.roster, name="roster"),
    path(
        "staff/training/sessions/<int:pk>/roster/<int:enrolment_pk>/",
        attendance.roster_mark,
        name="roster_mark",
    ),
    path(
        "staff/training/sessions/<int:pk>/roster/rest-absent/",
        attendance.roster_mark_rest_absent,
        name="roster_rest_absent",
    ),
    path("staff/training/sessions/<int:pk>/check-in/", attendance.checkin_display, name="checkin_display"),
    path("staff/training/sessions/<int:pk>/check-in/qr/", attendance.checkin_qr, name="checkin_qr"),
    path("training/check-in/<int:session_id>/<str:code>/", attendance.checkin, name="checkin"),
]
