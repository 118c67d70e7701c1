"""Enrolment in cohorts: seats enforced under concurrency, with a waitlist served in order of arrival.

A seat freed by a cancellation is offered for a limited time (services/waitlist.py), never handed over directly.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mahatat.accounts.models import CitizenProfile, Gender, User

from ..models import Cohort, Enrolment

ENROLLABLE_STATUSES = (Cohort.Status.OPEN, Cohort.Status.FULL)


def check_eligibility(*, cohort: Cohort, citizen: User, now: dt.datetime) -> None:
    if not (cohort.gender or cohort.min_age is not None or cohort.max_age is not None):
        return
    try:
        profile: CitizenProfile = citizen.citizen_profile
    except ObjectDoesNotExist:
        raise ValidationError(
            _("Please complete your profile first: this course has eligibility conditions."),
            code="no_profile",
        ) from None
    if cohort.gender and profile.gender != cohort.gender:
        message = (
            _("This course is for women only.")
            if cohort.gender == Gender.FEMALE
            else _("This course is for men only.")
        )
        raise ValidationError(message, code="not_eligible_gender")
    if cohort.min_age is not None or cohort.max_age is not None:
        if profile.birth_year is None:
            raise ValidationError(
                _("This course has an age range: please add your year of birth to your profile."),
                code="no_birth_year",
            )
        # Only the year of birth is known: the age is the one reached during the current year.
        age = timezone.localtime(now).year - profile.birth_year
        too_young = cohort.min_age is not None and age < cohort.min_age
        too_old = cohort.max_age is not None and age > cohort.max_age
        if too_young or too_old:
            raise ValidationError(
                _("This course is for ages %(min)s to %(max)s.")
                % {
                    "min": cohort.min_age if cohort.min_age is not None else "–",
                    "max": cohort.max_age or "–",
                },
                code="not_eligible_age",
            )


@transaction.atomic
def enrol(
    *,
    cohort_id: int,
    citizen: User,
    now: dt.datetime | None = None,
    channel: str = Enrolment.Channel.ONLINE,
    enrolled_by: User | None = None,
    any_station: bool = False,
) -> Enrolment:
    """Enrol `citizen` in the cohort: a seat while seats remain, otherwise a place on the waitlist.

    The cohort row is locked first (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction
    already holds the write lock), so the count of seats taken cannot change between the check and the insert.
    Each refusal raises ValidationError with a code and changes nothing; enrolling twice is refused.
    """
    now = now or timezone.now()
    cohort = Cohort.objects.select_for_update().select_related("programme").get(pk=cohort_id)
    if cohort.status not in ENROLLABLE_STATUSES:
        raise ValidationError(_("This course is not open for enrolment."), code="cohort_not_open")
    if now < cohort.enrolment_opens:
        raise ValidationError(_("Enrolment for this course has not opened yet."), code="window_not_open")
    if now >= cohort.enrolment_closes:
        raise ValidationError(_("Enrolment for this course has closed."), code="window_closed")
    if Enrolment.objects.filter(cohort=cohort, citizen=citizen, status__in=Enrolment.ACTIVE).exists():
        raise ValidationError(
            _("You are already enrolled or on the waitlist for this course."), code="already_enrolled"
        )
    check_eligibility(cohort=cohort, citizen=citizen, now=now)

    # Offers not yet taken hold their seat too, so a newcomer cannot jump ahead of the person offered it.
    taken = Enrolment.objects.filter(cohort=cohort).holding_seats().count()
    waiting = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED).exists()
    status = (
        Enrolment.Status.ENROLLED if taken < cohort.seats and not waiting else Enrolment.Status.WAITLISTED
    )
    # A first-time learner has never held a seat before (finished courses keep the status "enrolled").
    first_time = not Enrolment.objects.filter(citizen=citizen, status=Enrolment.Status.ENROLLED).exists()
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                cohort=cohort,
                citizen=citizen,
                status=status,
                channel=channel,
                enrolled_by=enrolled_by,
                any_station=any_station and status == Enrolment.Status.WAITLISTED,
                first_time=first_time,
            )
    except IntegrityError:  # pragma: no cover - the lock above makes this a last line of defence
        raise ValidationError(
            _("You are already enrolled or on the waitlist for this course."), code="already_enrolled"
        ) from None
    if (
        status == Enrolment.Status.ENROLLED
        and taken + 1 >= cohort.seats
        and cohort.status == Cohort.Status.OPEN
    ):
        cohort.status = Cohort.Status.FULL
        cohort.save(update_fields=["status", "updated_at"])
    if enrolment.any_station:
        from .waitlist import ask_for_any_station

        ask_for_any_station(enrolment=enrolment, now=now)
    return enrolment


def _is_staff_action(enrolment: Enrolment, by: User | None) -> bool:
    return by is not None and by.pk != enrolment.citizen_id


@transaction.atomic
def cancel(
    *, enrolment: Enrolment, by: User | None = None, now: dt.datetime | None = None
) -> Enrolment | None:
    """Cancel a place: by the citizen (`by` None or the citizen) or by a staff member (`by`).

    - A seat that frees is OFFERED to the next person for settings.TRAINING_OFFER_HOURS (waitlist.py).
    - Cancelling an offer is declining it (or, by staff, ending it); the seat passes on the same way.
    - A pending offer at another station made from a cancelled waitlist place stays for the citizen to answer.
    Returns the first offer made at this cohort for the freed seat, if any.
    """
    from . import waitlist

    now = now or timezone.now()
    cohort = waitlist.lock_cohorts([enrolment.cohort_id])[enrolment.cohort_id]
    current = Enrolment.objects.select_for_update().select_related("citizen").get(pk=enrolment.pk)
    if current.status == Enrolment.Status.CANCELLED:
        raise ValidationError(_("This enrolment is already cancelled."), code="already_cancelled")
    staff = _is_staff_action(current, by)
    if current.status == Enrolment.Status.OFFERED:
        reason = Enrolment.EndReason.BY_STAFF if staff else Enrolment.EndReason.OFFER_DECLINED
        offers = waitlist.end_offer(current, cohort=cohort, reason=reason, now=now)
    else:
        current.status = Enrolment.Status.CANCELLED
        current.end_reason = Enrolment.EndReason.BY_STAFF if staff else Enrolment.EndReason.BY_CITIZEN
        current.save(update_fields=["status", "end_reason", "updated_at"])
        offers = waitlist.offer_free_seats(cohort, now=now)
    enrolment.status = current.status
    enrolment.end_reason = current.end_reason
    return offers[0] if offers else None
