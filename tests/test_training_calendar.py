"""The private iCal feed of a citizen's sessions: valid iCalendar, only their seats, unguessable and resettable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from mahatat.training.calendar_feed import feed_token
from mahatat.training.models import Cohort, Enrolment

from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, TrainingSessionFactory


def _feed(client, user):  # type: ignore[no-untyped-def]
    return client.get(reverse("training:calendar", kwargs={"token": feed_token(user)}))


@pytest.mark.django_db
def test_calendar_app_can_read_the_citizens_sessions_without_signing_in(client, citizen, station_a):
    citizen.preferred_language = "en"
    citizen.save(update_fields=["preferred_language"])
    mine = CohortFactory(station=station_a, programme=ProgrammeFactory(title_ar="أساسيات", title_en="Basics"))
    EnrolmentFactory(cohort=mine, citizen=citizen)
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    first = TrainingSessionFactory(
        cohort=mine, starts_at=start, ends_at=start + dt.timedelta(hours=3), room="Lab 4"
    )
    TrainingSessionFactory(
        cohort=mine, starts_at=start + dt.timedelta(days=7), ends_at=start + dt.timedelta(days=7, hours=2)
    )
    cancelled = CohortFactory(
        station=station_a, status=Cohort.Status.CANCELLED, programme=ProgrammeFactory(title_en="Gone")
    )
    EnrolmentFactory(cohort=cancelled, citizen=citizen)
    TrainingSessionFactory(cohort=cancelled)
    # Not in the feed: a waitlist place, an offer, a cancelled place, and someone else's seat.
    for status in (Enrolment.Status.WAITLISTED, Enrolment.Status.CANCELLED):
        other = CohortFactory(station=station_a, programme=ProgrammeFactory(title_en=f"Not mine {status}"))
        EnrolmentFactory(cohort=other, citizen=citizen, status=status)
        TrainingSessionFactory(cohort=other)
    TrainingSessionFactory(cohort=EnrolmentFactory().cohort)

    response = _feed(client, citizen)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert cal["VERSION"] == "2.0" and cal.get("PRODID")
    events = cal.walk("VEVENT")
    assert len(events) == 3
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == 3
    event = next(e for e in events if str(e["UID"]).startswith(f"training-session-{first.pk}@"))
    assert event.decoded("DTSTART") == start and event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert event.decoded("DTEND") == start + dt.timedelta(hours=3)
    assert "DTSTAMP" in event
    assert str(event["SUMMARY"]) == "Basics"
    assert str(event["LOCATION"]) == f"{station_a.name_en} · Lab 4 · {station_a.address_en}"
    assert str(event["STATUS"]) == "CONFIRMED"
    gone = [e for e in events if str(e["SUMMARY"]) == "Gone"]
    assert len(gone) == 1 and str(gone[0]["STATUS"]) == "CANCELLED"
    # The UID is stable from one fetch to the next.
    again = Calendar.from_ical(_feed(client, citizen).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(by_uid)


@pytest.mark.django_db
def test_feed_is_in_the_citizens_language(client, citizen, station_a):
    cohort = CohortFactory(
        station=station_a, programme=ProgrammeFactory(title_ar="أساسيات", title_en="Basics")
    )
    EnrolmentFactory(cohort=cohort, citizen=citizen)
    TrainingSessionFactory(cohort=cohort)
    event = Calendar.from_ical(_feed(client, citizen).content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "أساسيات"
    assert station_a.name_ar in str(event["LOCATION"])


@pytest.mark.django_db
def test_forged_or_other_token_finds_nothing(client, citizen, business_owner):
    token = feed_token(citizen)
    user_id, signature = token.split("-")
    assert client.get(reverse("training:calendar", kwargs={"token": token})).status_code == 200
    forged = [
        f"{business_owner.pk}-{signature}",  # someone else's id with this signature
        f"{user_id}-{'0' * 40}",
        f"{user_id}-{signature[:-1]}",
        "nothing",
        str(user_id),
    ]
    for bad in forged:
        assert client.get(reverse("training:calendar", kwargs={"token": bad})).status_code == 404, bad
    assert feed_token(business_owner) != token


@pytest.mark.django_db
def test_citizen_can_reset_a_leaked_link(client, citizen):
    old = feed_token(citizen)
    client.force_login(citizen)
    page = client.get(reverse("training:my_training")).content.decode()
    assert old in page
    response = client.post(reverse("training:calendar_reset"))
    assert response.status_code == 302
    new = feed_token(citizen)
    assert new != old
    client.logout()
    assert client.get(reverse("training:calendar", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("training:calendar", kwargs={"token": new})).status_code == 200


@pytest.mark.django_db
def test_a_deactivated_account_has_no_feed(client, citizen):
    token = feed_token(citizen)
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert client.get(reverse("training:calendar", kwargs={"token": token})).status_code == 404
