"""Routes: Certificates: the citizen's PDF, staff revocation, and the public verification page."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
