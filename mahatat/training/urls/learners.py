"""Routes: "My training", the iCal feed of a citizen's sessions, and walk-in enrolment at the station desk."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
