"""Enrolment in cohorts: seats enforced under concurrency, with a waitlist served in order of arrival."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mahatat.accounts.models import CitizenProfile, Gender, User

from ..models import Cohort, Enrolment

ENROLLABLE_STATUSES = (Cohort.Status.OPEN, Cohort.Status.FULL)


def _check_eligibility(*, cohort: Cohort, citizen: User, now: dt.datetime) -> None:
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
    _check_eligibility(cohort=cohort, citizen=citizen, now=now)

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
    return enrolment


@transaction.atomic
def cancel(*, enrolment: Enrolment) -> Enrolment | None:
    """Cancel an enrolment. If it held a seat, the first person on the waitlist takes it.

    For now the promotion is direct. A later brick replaces it with a timed offer (24 hours by default, by SMS
    and e-mail) that passes on to the next person when it runs out. Returns the promoted enrolment, if any.
    """
    cohort = Cohort.objects.select_for_update().get(pk=enrolment.cohort_id)
    current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if current.status == Enrolment.Status.CANCELLED:
        raise ValidationError(_("This enrolment is already cancelled."), code="already_cancelled")
    held_seat = current.status == Enrolment.Status.ENROLLED
    current.status = Enrolment.Status.CANCELLED
    current.end_reason = Enrolment.EndReason.BY_CITIZEN
    current.save(update_fields=["status", "end_reason", "updated_at"])
    enrolment.status = current.status
    if not held_seat:
        return None
    promoted = (
        Enrolment.objects.select_for_update()
        .filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if promoted is not None:
        promoted.status = Enrolment.Status.ENROLLED
        promoted.save(update_fields=["status", "updated_at"])
    elif cohort.status == Cohort.Status.FULL:
        cohort.status = Cohort.Status.OPEN
        cohort.save(update_fields=["status", "updated_at"])
    return promoted
