"""Routes: The needs survey, the demand view, end-of-cohort feedback and outcome follow-ups."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
