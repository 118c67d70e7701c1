"""Completion: hours attended against the programme's rule, the assessment score, and the warning sent once when
the rule can no longer be met."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Attendance, Certificate, Cohort, Enrolment
from mahatat.training.services import attendance, completion

from .factories import UserFactory
from .training_factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
    citizen_user,
)

P = Attendance.Status.PRESENT
L = Attendance.Status.LATE
A = Attendance.Status.ABSENT
E = Attendance.Status.EXCUSED


def _cohort(*, hours: list[float], min_percent: int = 80, min_score: int | None = None, station=None):  # type: ignore[no-untyped-def]
    programme = ProgrammeFactory(min_attendance_percent=min_percent, min_assessment_score=min_score)
    kwargs = {"station": station} if station is not None else {}
    cohort = CohortFactory(programme=programme, status=Cohort.Status.RUNNING, **kwargs)
    start = timezone.now() - dt.timedelta(days=30)
    sessions = []
    for i, h in enumerate(hours):
        starts = start + dt.timedelta(days=i)
        sessions.append(
            TrainingSessionFactory(cohort=cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=h))
        )
    return cohort, sessions


def _marks(enrolment, sessions, statuses):  # type: ignore[no-untyped-def]
    for session, status in zip(sessions, statuses, strict=False):
        if status:
            attendance.mark(session=session, enrolment=enrolment, status=status, by=None)


@pytest.mark.django_db
def test_attendance_is_weighted_by_session_hours():
    cohort, sessions = _cohort(hours=[4, 1, 1, 1, 1])  # 8 hours
    enrolment = EnrolmentFactory(cohort=cohort)
    # Missing the four-hour session costs half the course; missing two one-hour sessions costs a quarter.
    _marks(enrolment, sessions, [A, P, P, P, P])
    progress = completion.evaluate_enrolment(enrolment=enrolment)
    assert progress.percent == pytest.approx(50)
    other = EnrolmentFactory(cohort=cohort)
    _marks(other, sessions, [P, A, A, P, P])
    assert completion.evaluate_enrolment(enrolment=other).percent == pytest.approx(75)


@pytest.mark.django_db
def test_late_counts_as_attended_and_excused_leaves_the_denominator():
    cohort, sessions = _cohort(hours=[2, 2, 2, 2, 2])
    enrolment = EnrolmentFactory(cohort=cohort)
    _marks(enrolment, sessions, [P, L, E, P, A])
    progress = completion.evaluate_enrolment(enrolment=enrolment)
    assert progress.counted_hours == pytest.approx(8)
    assert progress.attended_hours == pytest.approx(6)
    assert progress.percent == pytest.approx(75)
    assert not progress.meets_attendance


@pytest.mark.django_db
def test_exactly_the_minimum_completes():
    cohort, sessions = _cohort(hours=[1.5] * 10, min_percent=80)
    enrolment = EnrolmentFactory(cohort=cohort)
    _marks(enrolment, sessions, [P] * 8 + [A, A])
    assert completion.evaluate_enrolment(enrolment=enrolment).completed


@pytest.mark.django_db
def test_unmarked_sessions_are_open_while_running_and_absent_at_the_end():
    cohort, sessions = _cohort(hours=[2, 2, 2, 2])
    enrolment = EnrolmentFactory(cohort=cohort)
    _marks(enrolment, sessions, [P, P, P, None])
    running = completion.evaluate_enrolment(enrolment=enrolment)
    assert running.open_hours == pytest.approx(2)
    assert running.can_still_meet_attendance
    final = completion.evaluate_enrolment(enrolment=enrolment, final=True)
    assert final.percent == pytest.approx(75)
    enrolment.refresh_from_db()
    assert enrolment.outcome == Enrolment.Outcome.NOT_COMPLETED


@pytest.mark.django_db
def test_no_certificate_without_any_attendance_even_if_everything_was_excused():
    cohort, sessions = _cohort(hours=[2, 2])
    enrolment = EnrolmentFactory(cohort=cohort)
    _marks(enrolment, sessions, [E, E])
    assert not completion.evaluate_enrolment(enrolment=enrolment, final=True).completed


@pytest.mark.django_db
def test_assessment_rule_needs_a_score_at_or_above_the_minimum():
    cohort, sessions = _cohort(hours=[2, 2], min_score=60)
    passed = EnrolmentFactory(cohort=cohort, assessment_score=60)
    failed = EnrolmentFactory(cohort=cohort, assessment_score=59)
    missing = EnrolmentFactory(cohort=cohort, assessment_score=None)
    absent = EnrolmentFactory(cohort=cohort, assessment_score=95)
    for e in (passed, failed, missing):
        _marks(e, sessions, [P, P])
    _marks(absent, sessions, [P, A])
    results = completion.evaluate_cohort(cohort=cohort)
    assert results[passed.pk].completed
    assert not results[failed.pk].completed and results[failed.pk].meets_attendance
    assert not results[missing.pk].completed
    assert not results[absent.pk].completed and results[absent.pk].meets_assessment


@pytest.mark.django_db
def test_evaluate_cohort_sets_every_enrolled_outcome_and_asks_for_certificates(
    django_capture_on_commit_callbacks,
):
    cohort, sessions = _cohort(hours=[2, 2, 2, 2, 2])
    done = EnrolmentFactory(cohort=cohort)
    not_done = EnrolmentFactory(cohort=cohort)
    waitlisted = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    _marks(done, sessions, [P, P, P, P, L])
    _marks(not_done, sessions, [P, P, A, A, P])
    decided = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        completion.evaluate_cohort(cohort=cohort, now=decided)
    done.refresh_from_db()
    not_done.refresh_from_db()
    waitlisted.refresh_from_db()
    assert (done.outcome, done.completed_at) == (Enrolment.Outcome.COMPLETED, decided)
    assert (not_done.outcome, not_done.completed_at) == (Enrolment.Outcome.NOT_COMPLETED, decided)
    assert waitlisted.outcome == Enrolment.Outcome.PENDING
    # The certificate is issued (after commit) for the completed place only.
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [done.pk]
    # Evaluating again keeps the decision time.
    with django_capture_on_commit_callbacks(execute=True):
        completion.evaluate_cohort(cohort=cohort, now=decided + dt.timedelta(days=1))
    done.refresh_from_db()
    assert done.completed_at == decided
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_evaluate_cohort_reads_in_a_fixed_number_of_queries(django_assert_num_queries):
    cohort, sessions = _cohort(hours=[2] * 6)
    for _ in range(8):
        _marks(EnrolmentFactory(cohort=cohort), sessions, [P, P, P, P, A, A])
    # 3 reads, a savepoint and its release, and per enrolment its update and its history row.
    with django_assert_num_queries(3 + 2 + 8 * 2):
        completion.evaluate_cohort(cohort=cohort)


# --- The warning when absences pass what the rule allows -------------------------------------------------------


def _trainer_with_account(cohort, *, language="en"):  # type: ignore[no-untyped-def]
    user = UserFactory(email="trainer.x@nitc.example.jo", phone="+962781112233", preferred_language=language)
    trainer = TrainerFactory(user=user)
    cohort.trainers.add(trainer)
    return trainer


@pytest.mark.django_db
def test_warning_goes_once_to_citizen_and_trainer_when_the_minimum_is_out_of_reach(
    django_capture_on_commit_callbacks,
):
    cohort, sessions = _cohort(hours=[2] * 10, min_percent=80)  # two sessions may be missed
    _trainer_with_account(cohort, language="en")
    citizen = citizen_user(
        user=UserFactory(email="huda@example.jo", phone="+962791110000", preferred_language="ar")
    )
    enrolment = EnrolmentFactory(cohort=cohort, citizen=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        _marks(enrolment, sessions, [A, A])
    assert mail.outbox == [] and MemorySMSBackend.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        attendance.mark(session=sessions[2], enrolment=enrolment, status=A, by=None)
    enrolment.refresh_from_db()
    assert enrolment.absence_warned_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["huda@example.jo", "trainer.x@nitc.example.jo"]
    assert sorted(m.to for m in MemorySMSBackend.outbox) == ["+962781112233", "+962791110000"]
    to_citizen = next(m for m in mail.outbox if m.to == ["huda@example.jo"])
    to_trainer = next(m for m in mail.outbox if m.to == ["trainer.x@nitc.example.jo"])
    # Each in the recipient's language: the citizen reads Arabic, this trainer English.
    assert "المهارات الرقمية" in to_citizen.body and "نسبة الحضور" in to_citizen.body
    assert "Digital skills" in to_trainer.body and "can no longer reach" in to_trainer.body
    assert "Sara Ahmad Al-Khatib" in to_trainer.body

    # A fourth absence, and the same absence marked again, send nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        attendance.mark(session=sessions[3], enrolment=enrolment, status=A, by=None)
        attendance.mark(session=sessions[3], enrolment=enrolment, status=A, by=None)
    assert len(mail.outbox) == 2 and len(MemorySMSBackend.outbox) == 2


@pytest.mark.django_db
def test_no_warning_while_the_minimum_can_still_be_reached_and_excused_absences_do_not_count(
    django_capture_on_commit_callbacks,
):
    cohort, sessions = _cohort(hours=[2] * 10, min_percent=80)
    enrolment = EnrolmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        # Four sessions missed of ten, but three excused: 12 of the 14 counted hours can still be attended.
        _marks(enrolment, sessions, [A, E, E, E])
    enrolment.refresh_from_db()
    assert enrolment.absence_warned_at is None
    assert mail.outbox == []


# --- Marking ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_marking_again_updates_the_one_row_and_the_last_mark_wins():
    cohort, sessions = _cohort(hours=[2])
    enrolment = EnrolmentFactory(cohort=cohort)
    for status in (P, A, L, L):
        attendance.mark(session=sessions[0], enrolment=enrolment, status=status, by=None)
    rows = list(Attendance.objects.filter(enrolment=enrolment))
    assert [(r.status, r.method) for r in rows] == [(L, Attendance.Method.ROSTER)]


@pytest.mark.django_db
def test_marking_refuses_bad_status_other_cohort_no_seat_and_closed_courses():
    cohort, sessions = _cohort(hours=[2])
    enrolment = EnrolmentFactory(cohort=cohort)
    with pytest.raises(ValidationError) as bad:
        attendance.mark(session=sessions[0], enrolment=enrolment, status="asleep", by=None)
    assert bad.value.code == "invalid_status"
    other = EnrolmentFactory()
    with pytest.raises(ValidationError) as wrong:
        attendance.mark(session=sessions[0], enrolment=other, status=P, by=None)
    assert wrong.value.code == "wrong_cohort"
    waiting = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    with pytest.raises(ValidationError) as seat:
        attendance.mark(session=sessions[0], enrolment=waiting, status=P, by=None)
    assert seat.value.code == "not_enrolled"
    cohort.status = Cohort.Status.COMPLETED
    cohort.save(update_fields=["status"])
    with pytest.raises(ValidationError) as done:
        attendance.mark(session=sessions[0], enrolment=enrolment, status=P, by=None)
    assert done.value.code == "cohort_completed"
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_only_excused_can_be_marked_before_a_session_starts():
    cohort = CohortFactory(status=Cohort.Status.RUNNING)
    session = TrainingSessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=2))
    enrolment = EnrolmentFactory(cohort=cohort)
    with pytest.raises(ValidationError) as early:
        attendance.mark(session=session, enrolment=enrolment, status=A, by=None)
    assert early.value.code == "too_early"
    attendance.mark(session=session, enrolment=enrolment, status=E, by=None)
    assert Attendance.objects.get().status == E
