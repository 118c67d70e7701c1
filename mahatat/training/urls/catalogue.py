"""Routes: The public catalogue, cohort pages and online enrolment."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
