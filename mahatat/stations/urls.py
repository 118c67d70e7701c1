from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("stations/", views.directory, name="directory"),
    path("stations/<str:code>/", views.detail, name="detail"),
    path("staff/stations/", views.backoffice, name="backoffice"),
    path("staff/stations/new/", views.create, name="create"),
    path("staff/stations/<str:code>/edit/", views.edit, name="edit"),
    path("staff/holidays/", views.holidays, name="holidays"),
    path("staff/holidays/<int:pk>/edit/", views.holiday_edit, name="holiday_edit"),
    path("staff/holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
