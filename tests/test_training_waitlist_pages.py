"""The offer page a citizen opens from the SMS: accept, decline, expired offers explained, and any station."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mahatat.training.models import Enrolment
from mahatat.training.services.enrolment import cancel, enrol

from .factories import StationFactory
from .training_factories import CohortFactory, ProgrammeFactory, citizen_user

Status = Enrolment.Status


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _offer_for(citizen, station) -> Enrolment:  # type: ignore[no-untyped-def]
    cohort = CohortFactory(station=station, seats=1)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen_user())
    place = enrol(cohort_id=cohort.pk, citizen=citizen)
    cancel(enrolment=seat)
    place.refresh_from_db()
    assert place.status == Status.OFFERED
    return place


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_citizen_can_see_the_seat_offered_to_them_with_the_time_left(citizen, station_a) -> None:
    offer = _offer_for(citizen, station_a)
    response = _english(_signed_in(citizen)).get(reverse("training:offer", kwargs={"pk": offer.pk}))
    assert response.status_code == 200
    text = response.content.decode()
    assert "A seat is offered to you" in text
    assert "Time left: 23 hours" in text
    assert reverse("training:offer_accept", kwargs={"pk": offer.pk}) in text
    assert reverse("training:offer_decline", kwargs={"pk": offer.pk}) in text


@pytest.mark.django_db
def test_nobody_else_can_see_or_answer_a_citizens_offer(citizen, business_owner, station_a) -> None:
    offer = _offer_for(citizen, station_a)
    other = _signed_in(business_owner)
    assert other.get(reverse("training:offer", kwargs={"pk": offer.pk})).status_code == 404
    assert other.post(reverse("training:offer_accept", kwargs={"pk": offer.pk})).status_code == 404
    assert other.post(reverse("training:offer_decline", kwargs={"pk": offer.pk})).status_code == 404
    offer.refresh_from_db()
    assert offer.status == Status.OFFERED
    anonymous = Client().get(reverse("training:offer", kwargs={"pk": offer.pk}))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


@pytest.mark.django_db
def test_citizen_can_accept_an_offer_from_the_page(citizen, station_a) -> None:
    offer = _offer_for(citizen, station_a)
    client = _english(_signed_in(citizen))
    response = client.post(reverse("training:offer_accept", kwargs={"pk": offer.pk}), follow=True)
    offer.refresh_from_db()
    assert offer.status == Status.ENROLLED
    assert "The seat is yours" in response.content.decode()
    assert "You have a seat in this course" in response.content.decode()


@pytest.mark.django_db
def test_citizen_can_decline_an_offer_from_the_page(citizen, station_a) -> None:
    offer = _offer_for(citizen, station_a)
    client = _english(_signed_in(citizen))
    response = client.post(reverse("training:offer_decline", kwargs={"pk": offer.pk}), follow=True)
    offer.refresh_from_db()
    assert (offer.status, offer.end_reason) == (Status.CANCELLED, Enrolment.EndReason.OFFER_DECLINED)
    assert "offered to the next person" in response.content.decode()


@pytest.mark.django_db
def test_citizen_is_told_clearly_when_accepting_an_offer_that_ran_out(citizen, station_a) -> None:
    offer = _offer_for(citizen, station_a)
    Enrolment.objects.filter(pk=offer.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = _english(_signed_in(citizen))
    page = client.get(reverse("training:offer", kwargs={"pk": offer.pk})).content.decode()
    assert "This offer has run out" in page
    assert reverse("training:offer_accept", kwargs={"pk": offer.pk}) not in page
    response = client.post(reverse("training:offer_accept", kwargs={"pk": offer.pk}), follow=True)
    offer.refresh_from_db()
    assert offer.status == Status.CANCELLED
    assert "This offer has run out: the seat has passed to the next person." in response.content.decode()


@pytest.mark.django_db
def test_waiting_citizen_can_ask_for_a_seat_at_any_station_from_the_page(citizen) -> None:
    programme = ProgrammeFactory()
    home = StationFactory(latitude=31.95, longitude=35.91)
    elsewhere = StationFactory(latitude=31.99, longitude=35.99, name_en="Jabal Station")
    own = CohortFactory(programme=programme, station=home, seats=1)
    enrol(cohort_id=own.pk, citizen=citizen_user())
    place = enrol(cohort_id=own.pk, citizen=citizen)
    client = _english(_signed_in(citizen))
    page = client.get(reverse("training:offer", kwargs={"pk": place.pk})).content.decode()
    assert "You are number 1 on the waitlist" in page
    assert reverse("training:any_station", kwargs={"pk": place.pk}) in page

    # No free seat anywhere yet: the wish is kept.
    response = client.post(reverse("training:any_station", kwargs={"pk": place.pk}), follow=True)
    assert "When a seat frees up at another station" in response.content.decode()
    place.refresh_from_db()
    assert place.any_station

    # A new cohort opens elsewhere; the next ask finds its free seat and shows the offer.
    CohortFactory(programme=programme, station=elsewhere, seats=2)
    response = client.post(reverse("training:any_station", kwargs={"pk": place.pk}), follow=True)
    offer = Enrolment.objects.get(offered_from=place)
    assert response.redirect_chain[-1][0] == reverse("training:offer", kwargs={"pk": offer.pk})
    text = response.content.decode()
    assert "Jabal Station" in text
    assert "km from" in text
    assert "you leave the waitlist at" in text


@pytest.mark.django_db
def test_offer_page_reads_in_arabic_by_default(citizen, station_a) -> None:
    offer = _offer_for(citizen, station_a)
    response = _signed_in(citizen).get(reverse("training:offer", kwargs={"pk": offer.pk}))
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
