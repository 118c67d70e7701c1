from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("staff/citizens/", views.citizen_search, name="citizen_search"),
    path("staff/citizens/<int:pk>/", views.citizen_detail, name="citizen_detail"),
]
