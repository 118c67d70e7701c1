"""End-of-cohort feedback: invitations when a cohort completes, the once-only rating page, and its rules."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Cohort, Enrolment, FeedbackResponse
from mahatat.training.services.feedback import invite_feedback

from .factories import UserFactory
from .training_factories import (
    CohortFactory,
    EnrolmentFactory,
    TrainerFactory,
    TrainingSessionFactory,
    citizen_user,
)

pytestmark = pytest.mark.django_db


def _completed_cohort(**kwargs):  # type: ignore[no-untyped-def]
    return CohortFactory(status=Cohort.Status.COMPLETED, **kwargs)


def test_invite_feedback_sends_each_enrolled_citizen_a_link_in_their_language(
    settings, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://mahatat.example.jo"
    cohort = _completed_cohort()
    arabic = EnrolmentFactory(
        cohort=cohort,
        citizen=UserFactory(email="ar@example.jo", phone="+962790000001", preferred_language="ar"),
    )
    english = EnrolmentFactory(
        cohort=cohort,
        citizen=UserFactory(email="en@example.jo", phone="+962790000002", preferred_language="en"),
    )
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.CANCELLED, end_reason="by_citizen")

    with django_capture_on_commit_callbacks(execute=True):
        assert invite_feedback(cohort=cohort) == 2

    by_phone = {m.to: m.body for m in MemorySMSBackend.outbox}
    assert set(by_phone) == {"+962790000001", "+962790000002"}
    assert f"https://mahatat.example.jo/training/feedback/{arabic.pk}/" in by_phone["+962790000001"]
    assert f"https://mahatat.example.jo/training/feedback/{english.pk}/" in by_phone["+962790000002"]
    # Each message is rendered in the citizen's language (the programme's title shows it).
    assert "Digital skills" in by_phone["+962790000002"]
    assert "المهارات الرقمية" in by_phone["+962790000001"]
    assert sorted(m.to[0] for m in mail.outbox) == ["ar@example.jo", "en@example.jo"]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from django.db import transaction

    cohort = _completed_cohort()
    EnrolmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                invite_feedback(cohort=cohort)
                raise RuntimeError
        except RuntimeError:
            pass
    assert MemorySMSBackend.outbox == []


def _post(client, enrolment, **data):  # type: ignore[no-untyped-def]
    payload = {"programme_rating": "5", "trainer_rating": "4", "station_rating": "3", "comment": "Great"}
    payload.update(data)
    return client.post(reverse("training:feedback", args=[enrolment.pk]), payload)


def test_citizen_can_rate_a_completed_cohort_once(client):  # type: ignore[no-untyped-def]
    trainer = TrainerFactory()
    cohort = _completed_cohort()
    cohort.trainers.add(trainer)
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(enrolment.citizen)

    page = client.get(reverse("training:feedback", args=[enrolment.pk]))
    assert page.status_code == 200
    assert b'type="radio" name="programme_rating"' in page.content

    response = _post(client, enrolment)
    assert response.status_code == 302
    answer = FeedbackResponse.objects.get(enrolment=enrolment)
    assert (answer.programme_rating, answer.trainer_rating, answer.station_rating) == (5, 4, 3)
    assert answer.trainer == trainer
    assert answer.comment == "Great"

    again = _post(client, enrolment, programme_rating="1")
    assert FeedbackResponse.objects.get(enrolment=enrolment).programme_rating == 5
    assert again.status_code == 200  # the thanks page, nothing changed
    thanks = client.get(reverse("training:feedback", args=[enrolment.pk]))
    assert thanks.status_code == 200
    assert b'name="programme_rating"' not in thanks.content


def test_trainer_defaults_to_the_one_with_most_sessions_and_can_be_chosen(client):  # type: ignore[no-untyped-def]
    main, guest = TrainerFactory(), TrainerFactory()
    cohort = _completed_cohort()
    cohort.trainers.add(main, guest)
    TrainingSessionFactory(cohort=cohort, trainer=guest)
    TrainingSessionFactory(cohort=cohort, trainer=main)
    TrainingSessionFactory(cohort=cohort, trainer=main)
    enrolment = EnrolmentFactory(cohort=cohort)
    client.force_login(enrolment.citizen)

    page = client.get(reverse("training:feedback", args=[enrolment.pk]))
    assert page.context["form"]["trainer"].value() == main.pk
    _post(client, enrolment, trainer=str(guest.pk))
    assert FeedbackResponse.objects.get(enrolment=enrolment).trainer == guest


def test_ratings_out_of_range_are_refused_and_the_input_kept(client):  # type: ignore[no-untyped-def]
    enrolment = EnrolmentFactory(cohort=_completed_cohort())
    client.force_login(enrolment.citizen)
    response = _post(client, enrolment, programme_rating="6", station_rating="", comment="Keep me")
    assert response.status_code == 400
    form = response.context["form"]
    assert "programme_rating" in form.errors and "station_rating" in form.errors
    assert "Keep me" in response.content.decode()
    assert 'value="4" checked' in response.content.decode()
    assert not FeedbackResponse.objects.exists()


def test_someone_else_cannot_rate_an_enrolment(client):  # type: ignore[no-untyped-def]
    enrolment = EnrolmentFactory(cohort=_completed_cohort())
    client.force_login(citizen_user())
    assert client.get(reverse("training:feedback", args=[enrolment.pk])).status_code == 404
    assert _post(client, enrolment).status_code == 404
    assert not FeedbackResponse.objects.exists()


def test_feedback_needs_a_completed_cohort_and_a_seat(client):  # type: ignore[no-untyped-def]
    running = EnrolmentFactory(cohort=CohortFactory(status=Cohort.Status.RUNNING))
    client.force_login(running.citizen)
    assert client.get(reverse("training:feedback", args=[running.pk])).status_code == 404
    waiting = EnrolmentFactory(cohort=_completed_cohort(), status=Enrolment.Status.WAITLISTED)
    client.force_login(waiting.citizen)
    assert _post(client, waiting).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(client):  # type: ignore[no-untyped-def]
    enrolment = EnrolmentFactory(cohort=_completed_cohort())
    response = client.get(reverse("training:feedback", args=[enrolment.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]
