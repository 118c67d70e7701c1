"""Self check-in by the rotating QR code: codes change every 30 seconds and live at most 60; every wrong code, a
closed check-in and a citizen without a seat are refused; a citizen is counted once per session."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from mahatat.training.models import Attendance, Cohort, Enrolment
from mahatat.training.services import attendance, checkin_codes

from .training_factories import CohortFactory, EnrolmentFactory, TrainingSessionFactory

# A fixed instant at the very start of a 30-second step.
T0 = dt.datetime(2026, 11, 28, 7, 0, 0, tzinfo=dt.UTC)


def _refusal(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return str(caught.value.code)


def _open_session(now: dt.datetime = T0, **kwargs):  # type: ignore[no-untyped-def]
    cohort = CohortFactory(status=Cohort.Status.RUNNING)
    session = TrainingSessionFactory(
        cohort=cohort, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2), **kwargs
    )
    attendance.open_checkin(session=session, by=None, now=now)  # type: ignore[arg-type]
    return session


# --- The codes -----------------------------------------------------------------------------------------------


def test_the_code_stays_the_same_within_a_step_and_changes_with_the_next():
    assert checkin_codes.step_at(T0) == checkin_codes.step_at(T0 + dt.timedelta(seconds=29))
    same = checkin_codes.current_code(7, T0)
    assert checkin_codes.current_code(7, T0 + dt.timedelta(seconds=29)) == same
    assert checkin_codes.current_code(7, T0 + dt.timedelta(seconds=30)) != same
    assert checkin_codes.current_code(8, T0) != same
    assert len(same) == checkin_codes.CODE_LENGTH
    assert checkin_codes.seconds_left(T0) == 30
    assert checkin_codes.seconds_left(T0 + dt.timedelta(seconds=29)) == 1


def test_a_code_is_accepted_for_its_step_and_the_next_only():
    code = checkin_codes.current_code(7, T0)
    assert checkin_codes.is_valid(7, code, T0)
    assert checkin_codes.is_valid(7, code.upper(), T0 + dt.timedelta(seconds=59))
    assert not checkin_codes.is_valid(7, code, T0 + dt.timedelta(seconds=60))  # two steps old
    assert not checkin_codes.is_valid(7, code, T0 - dt.timedelta(seconds=1))  # not yet
    assert not checkin_codes.is_valid(8, code, T0)  # another session
    assert not checkin_codes.is_valid(7, "a" * checkin_codes.CODE_LENGTH, T0)
    assert not checkin_codes.is_valid(7, "", T0)


def test_codes_depend_on_the_secret_key(settings):
    code = checkin_codes.current_code(7, T0)
    settings.SECRET_KEY = "another-secret-key-" * 4
    assert checkin_codes.current_code(7, T0) != code


# --- Checking in ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_citizen_with_a_seat_can_check_in_with_the_current_code(citizen):
    session = _open_session()
    enrolment = EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk, T0)
    result = attendance.check_in(
        session_id=session.pk, code=code, citizen=citizen, now=T0 + dt.timedelta(seconds=40)
    )
    assert not result.already
    row = Attendance.objects.get()
    assert (row.enrolment, row.status, row.method, row.marked_by) == (
        enrolment,
        Attendance.Status.PRESENT,
        Attendance.Method.SELF_CHECKIN,
        citizen,
    )


@pytest.mark.django_db
def test_citizen_cannot_check_in_with_a_code_two_steps_old(citizen):
    session = _open_session()
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk, T0)
    later = T0 + dt.timedelta(seconds=61)
    assert _refusal(
        lambda: attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=later)
    ) == ("code_expired")
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_citizen_cannot_check_in_with_a_forged_code_or_another_sessions_code(citizen):
    session = _open_session()
    other = _open_session()
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    for code in ("0123456789", "abcdefghij", "short", checkin_codes.current_code(other.pk, T0)):
        assert (
            _refusal(
                lambda code=code: attendance.check_in(
                    session_id=session.pk, code=code, citizen=citizen, now=T0
                )
            )
            == "invalid_code"
        )
    assert _refusal(
        lambda: attendance.check_in(session_id=999999, code="0123456789", citizen=citizen, now=T0)
    ) == ("invalid_code")
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_citizen_cannot_check_in_when_check_in_is_closed(citizen):
    session = _open_session()
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    attendance.close_checkin(session=session, by=None, now=T0 + dt.timedelta(seconds=10))  # type: ignore[arg-type]
    now = T0 + dt.timedelta(seconds=20)
    code = checkin_codes.current_code(session.pk, now)
    assert _refusal(
        lambda: attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=now)
    ) == ("checkin_closed")
    # Never opened at all.
    never = TrainingSessionFactory(cohort=session.cohort, starts_at=T0, ends_at=T0 + dt.timedelta(hours=1))
    code = checkin_codes.current_code(never.pk, now)
    assert _refusal(
        lambda: attendance.check_in(session_id=never.pk, code=code, citizen=citizen, now=now)
    ) == ("checkin_closed")
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_check_in_closes_on_its_own_after_the_session(citizen):
    session = _open_session()
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    # Open by default until the end + 15 minutes.
    assert session.checkin_open_until == session.ends_at + dt.timedelta(minutes=15)
    after = session.checkin_open_until + dt.timedelta(seconds=1)
    code = checkin_codes.current_code(session.pk, after)
    assert _refusal(
        lambda: attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=after)
    ) == ("checkin_closed")


@pytest.mark.django_db
def test_trainer_cannot_open_check_in_long_before_the_session_or_for_a_cancelled_course():
    session = TrainingSessionFactory(
        cohort=CohortFactory(status=Cohort.Status.RUNNING), starts_at=T0 + dt.timedelta(hours=2)
    )
    assert _refusal(lambda: attendance.open_checkin(session=session, by=None, now=T0)) == "too_early"  # type: ignore[arg-type]
    opened = attendance.open_checkin(
        session=session, by=None, minutes=20, now=T0 + dt.timedelta(hours=1, minutes=40)
    )  # type: ignore[arg-type]
    assert opened.checkin_open_until == T0 + dt.timedelta(hours=2)
    session.cohort.status = Cohort.Status.CANCELLED
    session.cohort.save(update_fields=["status"])
    assert _refusal(
        lambda: attendance.open_checkin(session=session, by=None, now=T0 + dt.timedelta(hours=2))
    ) == (  # type: ignore[arg-type]
        "cohort_cancelled"
    )


@pytest.mark.django_db
def test_citizen_without_a_seat_cannot_check_in(citizen):
    session = _open_session()
    code = checkin_codes.current_code(session.pk, T0)
    assert _refusal(
        lambda: attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=T0)
    ) == ("not_enrolled")
    EnrolmentFactory(cohort=session.cohort, citizen=citizen, status=Enrolment.Status.WAITLISTED)
    assert _refusal(
        lambda: attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=T0)
    ) == ("not_enrolled")
    # A seat in another cohort does not help.
    EnrolmentFactory(citizen=citizen)
    assert _refusal(
        lambda: attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=T0)
    ) == ("not_enrolled")
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_scanning_twice_counts_once_and_says_already_checked_in(citizen):
    session = _open_session()
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk, T0)
    first = attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=T0)
    second = attendance.check_in(
        session_id=session.pk, code=code, citizen=citizen, now=T0 + dt.timedelta(seconds=5)
    )
    assert (first.already, second.already) == (False, True)
    assert Attendance.objects.count() == 1


@pytest.mark.django_db
def test_a_scan_after_fifteen_minutes_is_late_and_replaces_an_absence(citizen, trainer):
    session = _open_session()
    enrolment = EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    attendance.mark(session=session, enrolment=enrolment, status=Attendance.Status.ABSENT, by=trainer, now=T0)
    now = session.starts_at + dt.timedelta(minutes=16)
    code = checkin_codes.current_code(session.pk, now)
    result = attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=now)
    assert not result.already
    row = Attendance.objects.get()
    assert (row.status, row.method) == (Attendance.Status.LATE, Attendance.Method.SELF_CHECKIN)


@pytest.mark.django_db
def test_a_code_seen_valid_before_signing_in_is_honoured_for_ten_minutes_only(citizen):
    session = _open_session()
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk, T0)
    too_late = T0 + dt.timedelta(minutes=10, seconds=1)
    assert (
        _refusal(
            lambda: attendance.check_in(
                session_id=session.pk, code=code, citizen=citizen, now=too_late, scanned_at=T0
            )
        )
        == "code_expired"
    )
    in_time = T0 + dt.timedelta(minutes=4)
    assert not attendance.check_in(
        session_id=session.pk, code=code, citizen=citizen, now=in_time, scanned_at=T0
    ).already


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scans_at_the_same_moment_count_the_citizen_once(citizen):
    now = timezone.now()
    session = _open_session(now)
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk, now)
    start = threading.Barrier(4)
    results: list[bool] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            start.wait(timeout=30)
            results.append(
                attendance.check_in(session_id=session.pk, code=code, citizen=citizen, now=now).already
            )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, True, True, True]
    assert Attendance.objects.filter(session=session).count() == 1
    assert connection.vendor in {"sqlite", "postgresql"}
