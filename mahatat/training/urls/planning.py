"""Routes: The needs survey, the demand view, end-of-cohort feedback and outcome follow-ups."""

from django.urls import path

from ..views import planning, planning_staff

urlpatterns = [
    path("training/needs/", planning.needs_survey, name="needs_survey"),
    path("training/needs/thanks/", planning.needs_thanks, name="needs_thanks"),
    path("training/feedback/<int:pk>/", planning.feedback, name="feedback"),
    path("training/follow-up/<str:token>/", planning.follow_up, name="follow_up"),
    path("staff/training/demand/", planning_staff.demand, name="demand"),
    path("staff/training/feedback/", planning_staff.feedback_results, name="feedback_results"),
    path("staff/training/follow-ups/", planning_staff.follow_ups, name="follow_ups"),
    path("staff/training/follow-ups/<int:pk>/", planning_staff.follow_up_enter, name="follow_up_enter"),
]
