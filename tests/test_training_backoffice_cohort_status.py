"""A cohort's status steps: each allowed only from the right status, and a cancellation tells everyone with a
place, in their language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Attendance, Cohort, Enrolment
from mahatat.training.services.cohorts import cancel_cohort, complete_cohort, open_cohort, start_cohort

from .factories import UserFactory
from .training_factories import CohortFactory, EnrolmentFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def _refusal(call) -> ValidationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_staff_can_take_a_cohort_from_draft_to_completed(station_manager, station_a) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    TrainingSessionFactory(cohort=cohort)
    open_cohort(cohort=cohort, by=station_manager)
    assert cohort.status == Cohort.Status.OPEN
    start_cohort(cohort=cohort, by=station_manager)
    assert cohort.status == Cohort.Status.RUNNING
    complete_cohort(cohort=cohort, by=station_manager)
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.COMPLETED and cohort.completed_at is not None
    assert cohort.history.first().history_user == station_manager  # type: ignore[attr-defined]


def test_staff_cannot_open_a_cohort_without_sessions_or_with_a_closed_window(station_a) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    assert _refusal(lambda: open_cohort(cohort=cohort)).code == "no_sessions"
    TrainingSessionFactory(cohort=cohort)
    Cohort.objects.filter(pk=cohort.pk).update(
        enrolment_opens=timezone.now() - dt.timedelta(days=9),
        enrolment_closes=timezone.now() - dt.timedelta(days=1),
    )
    assert _refusal(lambda: open_cohort(cohort=cohort)).code == "window_closed"
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.DRAFT


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Cohort.Status.OPEN, open_cohort),
        (Cohort.Status.DRAFT, start_cohort),
        (Cohort.Status.OPEN, complete_cohort),
        (Cohort.Status.COMPLETED, start_cohort),
        (Cohort.Status.COMPLETED, lambda **kw: cancel_cohort(reason="x", **kw)),
        (Cohort.Status.CANCELLED, lambda **kw: cancel_cohort(reason="x", **kw)),
    ],
)
def test_staff_cannot_take_a_step_from_the_wrong_status(station_manager, station_a, status, step) -> None:
    cohort = CohortFactory(station=station_a, status=status)
    TrainingSessionFactory(cohort=cohort)
    with translation.override("en"):
        error = _refusal(lambda: step(cohort=cohort, by=station_manager))
        assert error.code == "bad_transition"
        assert str(Cohort.Status(status).label).lower() in error.messages[0]
    cohort.refresh_from_db()
    assert cohort.status == status


def test_cancelling_needs_a_reason(station_manager, station_a) -> None:
    cohort = CohortFactory(station=station_a)
    assert (
        _refusal(lambda: cancel_cohort(cohort=cohort, by=station_manager, reason="  ")).code
        == "reason_required"
    )
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN


def test_cancelling_a_cohort_ends_every_place_and_tells_each_citizen_in_their_language(
    station_manager, station_a, django_capture_on_commit_callbacks
) -> None:
    cohort = CohortFactory(station=station_a, starts_on=dt.date(2030, 1, 6))
    arabic = EnrolmentFactory(
        cohort=cohort,
        citizen=UserFactory(email="ar@example.jo", phone="+962790000011", preferred_language="ar"),
    )
    english = EnrolmentFactory(
        cohort=cohort,
        status=Enrolment.Status.WAITLISTED,
        citizen=UserFactory(email="en@example.jo", phone="+962790000012", preferred_language="en"),
    )
    offered = EnrolmentFactory(
        cohort=cohort,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + dt.timedelta(hours=5),
        citizen=UserFactory(email="of@example.jo", phone="+962790000013"),
    )
    gone = EnrolmentFactory(
        cohort=cohort,
        status=Enrolment.Status.CANCELLED,
        end_reason=Enrolment.EndReason.BY_CITIZEN,
        citizen=UserFactory(email="gone@example.jo", phone="+962790000014"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel_cohort(cohort=cohort, by=station_manager, reason="The trainer fell ill")

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CANCELLED
    for place in (arabic, english, offered):
        place.refresh_from_db()
        assert place.status == Enrolment.Status.CANCELLED
        assert place.end_reason == Enrolment.EndReason.COHORT_CANCELLED
    gone.refresh_from_db()
    assert gone.end_reason == Enrolment.EndReason.BY_CITIZEN

    by_phone = {m.to: m.body for m in MemorySMSBackend.outbox}
    assert set(by_phone) == {"+962790000011", "+962790000012", "+962790000013"}
    assert "Digital skills" in by_phone["+962790000012"] and "cancelled" in by_phone["+962790000012"]
    assert "The trainer fell ill" in by_phone["+962790000012"]
    assert "المهارات الرقمية" in by_phone["+962790000011"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ar@example.jo", "en@example.jo", "of@example.jo"]
    assert cohort.history.first().history_change_reason == "The trainer fell ill"  # type: ignore[attr-defined]


def test_completing_a_cohort_invites_its_learners_to_give_feedback(
    station_manager, station_a, django_capture_on_commit_callbacks
) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.RUNNING)
    EnrolmentFactory(cohort=cohort, citizen=UserFactory(phone="+962790000021"))
    with django_capture_on_commit_callbacks(execute=True):
        complete_cohort(cohort=cohort, by=station_manager)
    assert [m.to for m in MemorySMSBackend.outbox] == ["+962790000021"]


def test_completing_a_cohort_decides_each_learners_outcome(station_manager, station_a) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.RUNNING)
    session = TrainingSessionFactory(
        cohort=cohort,
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2) + dt.timedelta(hours=2),
    )
    present = EnrolmentFactory(cohort=cohort)
    absent = EnrolmentFactory(cohort=cohort)
    Attendance.objects.create(session=session, enrolment=present, status="present", method="roster")
    Attendance.objects.create(session=session, enrolment=absent, status="absent", method="roster")
    complete_cohort(cohort=cohort, by=station_manager)
    present.refresh_from_db()
    absent.refresh_from_db()
    assert present.outcome == Enrolment.Outcome.COMPLETED
    assert absent.outcome == Enrolment.Outcome.NOT_COMPLETED
