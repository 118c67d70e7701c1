"""Routes: The trainer's roster, the rotating QR self check-in, and completion."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
