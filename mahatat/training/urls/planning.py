"""Routes: The needs survey, the demand view, end-of-cohort feedback and outcome follow-ups."""

from django.urls import path

from ..views import planning

urlpatterns = [
    path("training/needs/", planning.needs_survey, name="needs_survey"),
    path("training/needs/thanks/", planning.needs_thanks, name="needs_thanks"),
    path("training/feedback/<int:pk>/", planning.feedback, name="feedback"),
    path("training/follow-up/<str:token>/", planning.follow_up, name="follow_up"),
]
