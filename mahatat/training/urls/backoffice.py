"""Routes: Staff pages for programmes, cohorts, their sessions, and the trainer pool."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
