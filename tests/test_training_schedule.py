"""Scheduling sessions: a trainer is never in two places at once, the cohort's dates follow its sessions, and a
weekly series is added whole or not at all."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from mahatat.core.dates import AMMAN
from mahatat.training.models import Attendance, Cohort, TrainerAvailability, TrainingSession, Weekday
from mahatat.training.services.schedule import (
    add_series,
    add_session,
    availability_warning,
    delete_session,
    update_session,
)

from .training_factories import CohortFactory, EnrolmentFactory, TrainerFactory

# A Sunday, in Amman time.
SUNDAY = dt.date(2030, 1, 6)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMMAN)


def _refusal(call) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


@pytest.mark.django_db
def test_staff_cannot_book_a_trainer_into_overlapping_sessions_at_another_station(
    station_a, station_b
) -> None:
    trainer = TrainerFactory(name_en="Rania Haddad")
    here = CohortFactory(station=station_a)
    there = CohortFactory(station=station_b)
    add_session(cohort=here, trainer=trainer, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))

    with translation.override("en"):
        error = _refusal(
            lambda: add_session(
                cohort=there, trainer=trainer, starts_at=at(SUNDAY, 18), ends_at=at(SUNDAY, 20)
            )
        )
    assert error.code == "trainer_busy"
    message = error.messages[0]
    assert "Rania Haddad" in message
    assert "Digital skills" in message and "Marka Knowledge Station" in message
    assert "17:00–19:00" in message  # in Amman time
    assert not TrainingSession.objects.filter(cohort=there).exists()


@pytest.mark.django_db
def test_staff_can_book_a_trainer_back_to_back_and_an_unassigned_session_any_time(station_a) -> None:
    trainer = TrainerFactory()
    cohort = CohortFactory(station=station_a)
    add_session(cohort=cohort, trainer=trainer, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
    add_session(cohort=cohort, trainer=trainer, starts_at=at(SUNDAY, 19), ends_at=at(SUNDAY, 21))
    add_session(cohort=cohort, trainer=trainer, starts_at=at(SUNDAY, 15), ends_at=at(SUNDAY, 17))
    add_session(cohort=cohort, trainer=None, starts_at=at(SUNDAY, 18), ends_at=at(SUNDAY, 20))
    assert TrainingSession.objects.filter(cohort=cohort).count() == 4


@pytest.mark.django_db
def test_staff_can_book_a_trainer_over_a_session_of_a_cancelled_cohort(station_a) -> None:
    trainer = TrainerFactory()
    cancelled = CohortFactory(station=station_a)
    add_session(cohort=cancelled, trainer=trainer, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
    Cohort.objects.filter(pk=cancelled.pk).update(status=Cohort.Status.CANCELLED)
    add_session(
        cohort=CohortFactory(station=station_a),
        trainer=trainer,
        starts_at=at(SUNDAY, 17),
        ends_at=at(SUNDAY, 19),
    )


@pytest.mark.django_db
def test_staff_cannot_schedule_a_session_that_ends_before_it_starts_or_in_a_closed_cohort(station_a) -> None:
    cohort = CohortFactory(station=station_a)
    assert (
        _refusal(
            lambda: add_session(cohort=cohort, trainer=None, starts_at=at(SUNDAY, 19), ends_at=at(SUNDAY, 17))
        ).code
        == "session_order"
    )
    done = CohortFactory(station=station_a, status=Cohort.Status.COMPLETED)
    assert (
        _refusal(
            lambda: add_session(cohort=done, trainer=None, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
        ).code
        == "cohort_closed"
    )
    inactive = TrainerFactory(is_active=False)
    assert (
        _refusal(
            lambda: add_session(
                cohort=cohort, trainer=inactive, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19)
            )
        ).code
        == "trainer_inactive"
    )
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_cohort_dates_follow_its_first_and_last_session_in_amman_time(station_a) -> None:
    cohort = CohortFactory(station=station_a)
    assert cohort.starts_on is None
    # 01:00 in Amman on Monday is still Sunday in UTC: the date is Amman's.
    first = add_session(
        cohort=cohort,
        trainer=None,
        starts_at=at(SUNDAY + dt.timedelta(days=1), 1),
        ends_at=at(SUNDAY + dt.timedelta(days=1), 2),
    )
    last = add_session(
        cohort=cohort,
        trainer=None,
        starts_at=at(SUNDAY, 17) + dt.timedelta(days=14),
        ends_at=at(SUNDAY, 19) + dt.timedelta(days=14),
    )
    cohort.refresh_from_db()
    assert (cohort.starts_on, cohort.ends_on) == (
        SUNDAY + dt.timedelta(days=1),
        SUNDAY + dt.timedelta(days=14),
    )

    update_session(
        session=last,
        starts_at=at(SUNDAY, 17) + dt.timedelta(days=7),
        ends_at=at(SUNDAY, 19) + dt.timedelta(days=7),
    )
    cohort.refresh_from_db()
    assert cohort.ends_on == SUNDAY + dt.timedelta(days=7)

    delete_session(session=first)
    cohort.refresh_from_db()
    assert cohort.starts_on == SUNDAY + dt.timedelta(days=7)
    delete_session(session=last)
    cohort.refresh_from_db()
    assert (cohort.starts_on, cohort.ends_on) == (None, None)


@pytest.mark.django_db
def test_moving_a_session_does_not_clash_with_itself_but_does_with_the_trainers_other_sessions(
    station_a,
) -> None:
    trainer = TrainerFactory()
    cohort = CohortFactory(station=station_a)
    session = add_session(cohort=cohort, trainer=trainer, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
    other = add_session(cohort=cohort, trainer=trainer, starts_at=at(SUNDAY, 20), ends_at=at(SUNDAY, 21))

    update_session(session=session, starts_at=at(SUNDAY, 18), ends_at=at(SUNDAY, 20), room="Lab 2")
    session.refresh_from_db()
    assert (session.starts_at, session.room) == (at(SUNDAY, 18), "Lab 2")

    assert _refusal(lambda: update_session(session=other, starts_at=at(SUNDAY, 19))).code == "trainer_busy"
    other.refresh_from_db()
    assert other.starts_at == at(SUNDAY, 20)

    # Handing the session to a trainer who is free is fine; to one who is busy, refused.
    busy = TrainerFactory()
    add_session(
        cohort=CohortFactory(station=station_a),
        trainer=busy,
        starts_at=at(SUNDAY, 18),
        ends_at=at(SUNDAY, 19),
    )
    assert _refusal(lambda: update_session(session=session, trainer=busy)).code == "trainer_busy"
    free = TrainerFactory()
    update_session(session=session, trainer=free)
    session.refresh_from_db()
    assert session.trainer == free
    assert set(cohort.trainers.all()) == {trainer, free}


@pytest.mark.django_db
def test_staff_cannot_delete_a_session_with_attendance(station_a) -> None:
    cohort = CohortFactory(station=station_a)
    session = add_session(cohort=cohort, trainer=None, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
    Attendance.objects.create(
        session=session, enrolment=EnrolmentFactory(cohort=cohort), status="present", method="roster"
    )
    assert _refusal(lambda: delete_session(session=session)).code == "has_attendance"
    assert TrainingSession.objects.filter(pk=session.pk).exists()


@pytest.mark.django_db
def test_a_weekly_series_creates_every_session_in_amman_time(station_a) -> None:
    cohort = CohortFactory(station=station_a)
    sessions = add_series(
        cohort=cohort,
        trainer=TrainerFactory(),
        weekdays=[Weekday.SUNDAY, Weekday.TUESDAY],
        start_time=dt.time(17),
        end_time=dt.time(19),
        first_day=SUNDAY,
        weeks=3,
        room="Lab 1",
    )
    starts = [s.starts_at.astimezone(AMMAN) for s in sessions]
    assert [s.date() for s in starts] == [SUNDAY + dt.timedelta(days=d) for d in (0, 2, 7, 9, 14, 16)]
    assert {s.time() for s in starts} == {dt.time(17)}
    cohort.refresh_from_db()
    assert (cohort.starts_on, cohort.ends_on) == (SUNDAY, SUNDAY + dt.timedelta(days=16))


@pytest.mark.django_db
def test_a_series_that_hits_a_clash_adds_nothing_and_names_the_first_clash(station_a, station_b) -> None:
    trainer = TrainerFactory()
    add_session(
        cohort=CohortFactory(station=station_b),
        trainer=trainer,
        starts_at=at(SUNDAY + dt.timedelta(days=9), 18),
        ends_at=at(SUNDAY + dt.timedelta(days=9), 20),
    )
    cohort = CohortFactory(station=station_a)
    with translation.override("en"):
        error = _refusal(
            lambda: add_series(
                cohort=cohort,
                trainer=trainer,
                weekdays=[Weekday.SUNDAY, Weekday.TUESDAY],
                start_time=dt.time(17),
                end_time=dt.time(19),
                first_day=SUNDAY,
                weeks=3,
            )
        )
    assert error.code == "trainer_busy"
    assert "Tuesday 15 January 2030" in error.messages[0]
    assert "Tareq Knowledge Station" in error.messages[0]
    assert not TrainingSession.objects.filter(cohort=cohort).exists()
    cohort.refresh_from_db()
    assert cohort.starts_on is None


@pytest.mark.django_db
def test_booking_outside_the_trainers_availability_is_kept_with_a_warning(station_a) -> None:
    trainer = TrainerFactory(name_en="Omar")
    with translation.override("en"):
        assert availability_warning(trainer=trainer, starts_at=at(SUNDAY, 8), ends_at=at(SUNDAY, 9)) == ""
        TrainerAvailability.objects.create(
            trainer=trainer, weekday=Weekday.SUNDAY, start=dt.time(16), end=dt.time(20)
        )
        assert availability_warning(trainer=trainer, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19)) == ""
        warning = availability_warning(trainer=trainer, starts_at=at(SUNDAY, 19), ends_at=at(SUNDAY, 21))
        assert "Omar" in warning and "not usually available" in warning
        monday = SUNDAY + dt.timedelta(days=1)
        assert availability_warning(trainer=trainer, starts_at=at(monday, 17), ends_at=at(monday, 19)) != ""
    add_session(
        cohort=CohortFactory(station=station_a),
        trainer=trainer,
        starts_at=at(SUNDAY, 19),
        ends_at=at(SUNDAY, 21),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_bookings_of_one_trainer_at_overlapping_times_let_exactly_one_through(
    station_a, station_b
) -> None:
    trainer = TrainerFactory()
    cohorts = [CohortFactory(station=station_a), CohortFactory(station=station_b)] * 4
    # Eight bookings at once, each overlapping all the others (17:00 + i*10 min, two hours long).
    start = threading.Barrier(len(cohorts))
    booked: list[int] = []
    refusals: list[str] = []
    errors: list[BaseException] = []

    def book(index: int, cohort: Cohort) -> None:
        try:
            start.wait(timeout=30)
            begins = at(SUNDAY, 17) + dt.timedelta(minutes=10 * index)
            session = add_session(
                cohort=cohort, trainer=trainer, starts_at=begins, ends_at=begins + dt.timedelta(hours=2)
            )
            booked.append(session.pk)
        except ValidationError as error:
            refusals.append(str(error.code))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i, c)) for i, c in enumerate(cohorts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    assert len(booked) == 1
    assert refusals == ["trainer_busy"] * (len(cohorts) - 1)
    assert TrainingSession.objects.filter(trainer=trainer).count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}
