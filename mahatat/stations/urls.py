from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("stations/", views.directory, name="directory"),
    path("stations/<str:code>/", views.detail, name="detail"),
    path("staff/stations/", views.backoffice, name="backoffice"),
    path("staff/stations/<str:code>/edit/", views.edit, name="edit"),
]
