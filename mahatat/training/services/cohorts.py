"""A cohort's life: draft → open (→ full) → running → completed, or cancelled at any point before it ends.

Each step locks the cohort row, checks the step is allowed from the current status (a clear, translated refusal
otherwise, code "bad_transition"), and records who took it in the cohort's history. Cancelling ends every
active place with the reason "the course was cancelled" and tells each citizen by SMS and e-mail, in their
language, once the transaction commits.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mahatat.accounts.models import User
from mahatat.core.notifications import notify

from ..models import Cohort, Enrolment, TrainingSession
from .completion import evaluate_cohort
from .feedback import invite_feedback

# The statuses each step starts from.
OPENABLE = (Cohort.Status.DRAFT,)
STARTABLE = (Cohort.Status.OPEN, Cohort.Status.FULL)
COMPLETABLE = (Cohort.Status.RUNNING,)
CANCELLABLE = (Cohort.Status.DRAFT, Cohort.Status.OPEN, Cohort.Status.FULL, Cohort.Status.RUNNING)


def _lock(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().select_related("programme", "station").get(pk=cohort.pk)


def _refuse_transition(locked: Cohort, allowed: tuple[str, ...], message: str) -> None:
    """Refuse the step unless the cohort is in one of the `allowed` statuses; `message` has %(status)s."""
    if locked.status in allowed:
        return
    raise ValidationError(message % {"status": locked.get_status_display().lower()}, code="bad_transition")


def _save(cohort: Cohort, locked: Cohort, by: User | None, fields: list[str], reason: str = "") -> None:
    locked._history_user = by  # type: ignore[attr-defined]
    if reason:
        locked._change_reason = reason  # type: ignore[attr-defined]
    locked.save(update_fields=[*fields, "updated_at"])
    for name in fields:
        setattr(cohort, name, getattr(locked, name))


@transaction.atomic
def open_cohort(*, cohort: Cohort, by: User | None = None) -> Cohort:
    """Open a draft cohort for enrolment. It needs at least one session, and an enrolment window that has
    not already closed."""
    locked = _lock(cohort)
    _refuse_transition(
        locked, OPENABLE, _("Only a draft course can be opened for enrolment. This course is %(status)s.")
    )
    if not TrainingSession.objects.filter(cohort=locked).exists():
        raise ValidationError(
            _("Add at least one session before opening the course for enrolment."), code="no_sessions"
        )
    if locked.seats < 1:
        raise ValidationError(_("The course needs at least one seat."), code="no_seats")
    if locked.enrolment_closes <= timezone.now():
        raise ValidationError(
            _("The enrolment window has already closed. Move its end to a later date first."),
            code="window_closed",
        )
    locked.status = Cohort.Status.OPEN
    _save(cohort, locked, by, ["status"])
    return cohort


@transaction.atomic
def start_cohort(*, cohort: Cohort, by: User | None = None) -> Cohort:
    """Mark an open (or full) cohort as running: its sessions have begun."""
    locked = _lock(cohort)
    _refuse_transition(
        locked, STARTABLE, _("Only an open or full course can be started. This course is %(status)s.")
    )
    locked.status = Cohort.Status.RUNNING
    _save(cohort, locked, by, ["status"])
    return cohort


@transaction.atomic
def complete_cohort(*, cohort: Cohort, by: User | None = None, now: dt.datetime | None = None) -> Cohort:
    """Mark a running cohort completed: every place is evaluated against the programme's completion rule
    (certificates follow for those who completed), and the learners are invited to give feedback."""
    locked = _lock(cohort)
    _refuse_transition(
        locked, COMPLETABLE, _("Only a running course can be completed. This course is %(status)s.")
    )
    locked.status = Cohort.Status.COMPLETED
    locked.completed_at = now or timezone.now()
    _save(cohort, locked, by, ["status", "completed_at"])
    evaluate_cohort(cohort=locked, now=locked.completed_at)
    invite_feedback(cohort=locked)
    return cohort


def _catalogue_link() -> str:
    try:
        return settings.SITE_URL + reverse("training:catalogue")
    except NoReverseMatch:  # pragma: no cover - the catalogue route is always there in the full site
        return ""


def _tell_cancelled(enrolment: Enrolment, locked: Cohort, reason: str) -> None:
    citizen = enrolment.citizen
    with translation.override(citizen.preferred_language or "ar"):
        starts = date_format(locked.starts_on, "j F Y") if locked.starts_on else ""
        subject = _("Course cancelled: %(programme)s") % {"programme": locked.programme.title}
        lines = [
            _("We are sorry: the course %(programme)s at %(station)s has been cancelled.")
            % {"programme": locked.programme.title, "station": locked.station.name},
        ]
        if starts:
            lines.append(_("It was to start on %(date)s.") % {"date": starts})
        lines.append(_("Reason: %(reason)s") % {"reason": reason})
        link = _catalogue_link()
        if link:
            lines.append(_("Other courses you can join: %(link)s") % {"link": link})
        body = "\n".join(lines)
    notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)


@transaction.atomic
def cancel_cohort(*, cohort: Cohort, by: User | None, reason: str) -> Cohort:
    """Cancel a cohort that has not ended. Every active place (seat, offer, waitlist) ends with the reason
    "the course was cancelled", and each of those citizens is told by SMS and e-mail in their language."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Give the reason for cancelling: it is sent to everyone enrolled."), code="reason_required"
        )
    locked = _lock(cohort)
    _refuse_transition(locked, CANCELLABLE, _("A course that is %(status)s cannot be cancelled."))
    locked.status = Cohort.Status.CANCELLED
    _save(cohort, locked, by, ["status"], reason=reason[:100])
    places = list(
        Enrolment.objects.select_for_update()
        .filter(cohort=locked, status__in=Enrolment.ACTIVE)
        .select_related("citizen")
        .order_by("pk")
    )
    for enrolment in places:
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.end_reason = Enrolment.EndReason.COHORT_CANCELLED
        enrolment._history_user = by  # type: ignore[attr-defined]
        enrolment.save(update_fields=["status", "end_reason", "updated_at"])
        _tell_cancelled(enrolment, locked, reason)
    return cohort
