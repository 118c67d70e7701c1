"""End-of-cohort feedback: inviting graduates to rate the programme, the trainer and the station, and recording it.

- `invite_feedback(cohort=...)` is called when a cohort completes: everyone with a seat (status enrolled) gets a link
  to /training/feedback/<enrolment>/ by SMS and e-mail, in their own language.
- `submit_feedback(...)` records the answer once per enrolment.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mahatat.core.notifications import notify

from ..models import Cohort, Enrolment, FeedbackResponse, Trainer


def feedback_url(enrolment: Enrolment) -> str:
    return settings.SITE_URL + reverse("training:feedback", kwargs={"pk": enrolment.pk})


def invite_feedback(*, cohort: Cohort) -> int:
    """Send each citizen holding a seat in `cohort` a link to rate it. Returns how many were invited."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED)
        .select_related("citizen", "cohort__programme")
        .order_by("id")
    )
    for enrolment in enrolments:
        citizen = enrolment.citizen
        with translation.override(citizen.preferred_language or settings.LANGUAGE_CODE):
            title = enrolment.cohort.programme.title
            subject = _("How was %(programme)s?") % {"programme": title}
            body = _(
                "Thank you for taking part in %(programme)s. Please tell us what you thought of it, in one minute: "
                "%(url)s"
            ) % {"programme": title, "url": feedback_url(enrolment)}
        notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)
    return len(enrolments)


def can_give_feedback(enrolment: Enrolment) -> bool:
    return (
        enrolment.status == Enrolment.Status.ENROLLED and enrolment.cohort.status == Cohort.Status.COMPLETED
    )


def cohort_trainers(cohort: Cohort) -> list[Trainer]:
    """The cohort's trainers (and its sessions' trainers), the one who taught the most sessions first."""
    ids = set(cohort.trainers.values_list("pk", flat=True)) | set(
        cohort.sessions.exclude(trainer=None).values_list("trainer_id", flat=True)
    )
    counted = Trainer.objects.filter(pk__in=ids).annotate(
        taught=Count("sessions", filter=Q(sessions__cohort=cohort))
    )
    return sorted(counted, key=lambda t: (-t.taught, t.pk))  # type: ignore[attr-defined]


def submit_feedback(
    *,
    enrolment: Enrolment,
    trainer: Trainer | None,
    programme_rating: int,
    trainer_rating: int,
    station_rating: int,
    comment: str = "",
) -> FeedbackResponse:
    """Record the citizen's ratings. Refused when the cohort is not completed or feedback was already given."""
    if not can_give_feedback(enrolment):
        raise PermissionDenied
    for value in (programme_rating, trainer_rating, station_rating):
        if not 1 <= int(value) <= 5:
            raise ValidationError(_("Choose from 1 to 5 stars."), code="out_of_range")
    if trainer is not None and trainer.pk not in {t.pk for t in cohort_trainers(enrolment.cohort)}:
        raise ValidationError(_("Choose one of this course's trainers."), code="not_a_trainer")
    try:
        with transaction.atomic():
            return FeedbackResponse.objects.create(
                enrolment=enrolment,
                trainer=trainer,
                programme_rating=programme_rating,
                trainer_rating=trainer_rating,
                station_rating=station_rating,
                comment=comment.strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already sent your feedback. Thank you."), code="already_given"
        ) from exc
