"""Training models, one module per part of the domain."""

from .attendance import Attendance
from .calendar import CalendarFeedKey
from .certificates import Certificate
from .enrolment import Enrolment
from .programmes import CertificateTemplate, Cohort, Programme, Provider, TargetGroup, Topic
from .schedule import TrainingSession
from .surveys import CatalogueSearchMiss, FeedbackResponse, NeedsSurveyResponse, OutcomeFollowUp, TimeOfDay
from .trainers import Trainer, TrainerAvailability, Weekday

__all__ = [
    "Attendance",
    "CalendarFeedKey",
    "CatalogueSearchMiss",
    "Certificate",
    "CertificateTemplate",
    "Cohort",
    "Enrolment",
    "FeedbackResponse",
    "NeedsSurveyResponse",
    "OutcomeFollowUp",
    "Programme",
    "Provider",
    "TargetGroup",
    "TimeOfDay",
    "Topic",
    "Trainer",
    "TrainerAvailability",
    "TrainingSession",
    "Weekday",
]
