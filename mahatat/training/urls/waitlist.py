"""Routes: Seat offers from the waitlist: accepting or declining an offer, and asking for any station."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
