"""Routes: Training reports with xlsx/csv export, and imports of cohorts and trainees."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
