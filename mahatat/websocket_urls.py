"""WebSocket routes. Modules add theirs here (the co-working occupancy board, the inspection live wall)."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
