"""Enrolment in a cohort: seats enforced by the database under concurrency, the waitlist, and each refusal."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from mahatat.training.models import Cohort, Enrolment
from mahatat.training.services.enrolment import cancel, enrol

from .factories import CitizenProfileFactory, UserFactory
from .training_factories import CohortFactory


def _citizen(**profile: object):  # type: ignore[no-untyped-def]
    return CitizenProfileFactory(**profile).user


def _refusal_code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return str(caught.value.code)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_citizens_cannot_take_more_seats_than_a_cohort_has_when_fifty_enrol_at_once(station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=10)
    citizens = [_citizen() for _ in range(50)]
    start = threading.Barrier(len(citizens))
    errors: list[BaseException] = []

    def enrol_one(citizen) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait(timeout=30)
            enrol(cohort_id=cohort.pk, citizen=citizen)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol_one, args=(citizen,)) for citizen in citizens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    statuses = list(Enrolment.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert statuses.count(Enrolment.Status.ENROLLED) == 10
    assert statuses.count(Enrolment.Status.WAITLISTED) == 40
    assert len(statuses) == 50
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_citizen_can_enrol_in_an_open_cohort_and_is_waitlisted_once_it_is_full(citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    first = enrol(cohort_id=cohort.pk, citizen=citizen)
    second = enrol(cohort_id=cohort.pk, citizen=_citizen())
    assert first.status == Enrolment.Status.ENROLLED
    assert second.status == Enrolment.Status.WAITLISTED


@pytest.mark.django_db
def test_citizen_cannot_enrol_twice_and_nothing_changes(citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a)
    enrol(cohort_id=cohort.pk, citizen=citizen)
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=citizen)) == "already_enrolled"
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "code"),
    [(dt.timedelta(days=-2), "window_not_open"), (dt.timedelta(days=8), "window_closed")],
)
def test_citizen_cannot_enrol_outside_the_enrolment_window(citizen, station_a, offset, code) -> None:
    cohort = CohortFactory(station=station_a)
    when = timezone.now() + offset
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=citizen, now=when)) == code
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_citizen_cannot_enrol_in_a_draft_cohort(citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=citizen)) == "cohort_not_open"
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_citizen_cannot_enrol_in_a_cohort_for_another_gender(business_owner, citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a, gender="female")
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=business_owner)) == "not_eligible_gender"
    assert not Enrolment.objects.exists()
    assert enrol(cohort_id=cohort.pk, citizen=citizen).status == Enrolment.Status.ENROLLED  # she is female


@pytest.mark.django_db
def test_citizen_cannot_enrol_outside_the_age_range(station_a) -> None:
    cohort = CohortFactory(station=station_a, min_age=15, max_age=24)
    year = timezone.localtime().year
    too_old = _citizen(birth_year=year - 25)
    too_young = _citizen(birth_year=year - 14)
    unknown = _citizen(birth_year=None)
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=too_old)) == "not_eligible_age"
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=too_young)) == "not_eligible_age"
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=unknown)) == "no_birth_year"
    assert not Enrolment.objects.exists()
    assert (
        enrol(cohort_id=cohort.pk, citizen=_citizen(birth_year=year - 24)).status == Enrolment.Status.ENROLLED
    )


@pytest.mark.django_db
def test_user_without_a_profile_cannot_enrol_in_a_cohort_with_conditions(station_a) -> None:
    cohort = CohortFactory(station=station_a, gender="female")
    assert _refusal_code(lambda: enrol(cohort_id=cohort.pk, citizen=UserFactory())) == "no_profile"
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_first_waitlisted_citizen_is_offered_a_seat_freed_by_a_cancellation(citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen)
    first_waiting = enrol(cohort_id=cohort.pk, citizen=_citizen())
    second_waiting = enrol(cohort_id=cohort.pk, citizen=_citizen())

    offered = cancel(enrolment=seat)

    assert offered is not None and offered.pk == first_waiting.pk
    seat.refresh_from_db()
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert seat.status == Enrolment.Status.CANCELLED
    assert seat.end_reason == Enrolment.EndReason.BY_CITIZEN
    assert first_waiting.status == Enrolment.Status.OFFERED  # held for them, not handed over
    assert first_waiting.offer_expires_at is not None
    assert second_waiting.status == Enrolment.Status.WAITLISTED
    assert _refusal_code(lambda: cancel(enrolment=seat)) == "already_cancelled"
    # The cancelled citizen may enrol again, and joins the back of the waitlist: the offer holds the seat.
    assert enrol(cohort_id=cohort.pk, citizen=citizen).status == Enrolment.Status.WAITLISTED
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL


@pytest.mark.django_db
def test_cancelling_the_last_seat_without_a_waitlist_reopens_a_full_cohort(citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen)
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL
    assert cancel(enrolment=seat) is None
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN
