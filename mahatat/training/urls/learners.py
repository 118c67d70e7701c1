"""Routes: "My training", the iCal feed of a citizen's sessions, and walk-in enrolment at the station desk."""

from django.urls import path

from ..views import learners as views

urlpatterns = [
    path("training/mine/", views.my_training, name="my_training"),
    path("training/mine/calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("training/mine/calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("staff/training/desk/", views.desk, name="desk"),
    path("staff/training/desk/<int:pk>/", views.desk_cohort, name="desk_cohort"),
]
