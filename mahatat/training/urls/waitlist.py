"""Routes: Seat offers from the waitlist: accepting or declining an offer, and asking for any station."""

from django.urls import path

from ..views import waitlist as views

urlpatterns = [
    path("training/offers/<int:pk>/", views.offer, name="offer"),
    path("training/offers/<int:pk>/accept/", views.accept, name="offer_accept"),
    path("training/offers/<int:pk>/decline/", views.decline, name="offer_decline"),
    path("training/offers/<int:pk>/any-station/", views.any_station, name="any_station"),
]
