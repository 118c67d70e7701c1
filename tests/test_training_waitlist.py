"""Seat offers from the waitlist: a freed seat is offered for a limited time, told by SMS and e-mail, and passes on
when declined or not taken in time; waiting citizens may ask for a seat at any station, nearest first."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Cohort, Enrolment
from mahatat.training.services.enrolment import cancel, enrol
from mahatat.training.services.waitlist import (
    accept_offer,
    ask_for_any_station,
    decline_offer,
    expire_offers,
    offer_next_seat,
)

from .factories import StationFactory, UserFactory
from .training_factories import CohortFactory, ProgrammeFactory, citizen_user

Status = Enrolment.Status
EndReason = Enrolment.EndReason


def _refusal_code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        call()
    return str(caught.value.code)


def _fresh(enrolment: Enrolment) -> Enrolment:
    enrolment.refresh_from_db()
    return enrolment


def _full_cohort_with_waitlist(station, waiting: int = 2, **cohort):  # type: ignore[no-untyped-def]
    """A one-seat cohort: its seat, and `waiting` places on its waitlist in order."""
    cohort = CohortFactory(station=station, seats=1, **cohort)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen_user())
    places = [enrol(cohort_id=cohort.pk, citizen=citizen_user()) for _ in range(waiting)]
    return cohort, seat, places


def _held(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort).holding_seats().count()


# --- offers at the citizen's own station ---------------------------------------------------------------------


@pytest.mark.django_db
def test_waitlisted_citizen_is_offered_a_cancelled_seat_and_told_by_sms_and_email(
    citizen, station_a, settings, django_capture_on_commit_callbacks
) -> None:
    settings.SITE_URL = "https://mahatat.example.jo"
    settings.TRAINING_OFFER_HOURS = 24
    cohort = CohortFactory(station=station_a, seats=1)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen_user())
    place = enrol(cohort_id=cohort.pk, citizen=citizen)  # Sara: Arabic, e-mail and phone
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        offered = cancel(enrolment=seat, now=now)

    assert offered is not None and offered.pk == place.pk
    place = _fresh(place)
    assert place.status == Status.OFFERED
    assert place.offer_expires_at == now + dt.timedelta(hours=24)
    assert _held(cohort) == 1
    link = f"https://mahatat.example.jo/training/offers/{place.pk}/"
    assert [m.to for m in MemorySMSBackend.outbox] == ["+962791234567"]
    sms = MemorySMSBackend.outbox[0].body
    assert link in sms
    assert "محجوز لك" in sms and "بتوقيت عمّان" in sms  # in Arabic, her language
    local = timezone.localtime(place.offer_expires_at)
    assert f"{local:%H:%M}" in sms  # the deadline in Amman time
    assert [m.to for m in mail.outbox] == [["sara@example.jo"]]
    assert link in mail.outbox[0].body


@pytest.mark.django_db
def test_offer_text_follows_the_citizens_preferred_language(
    station_a, django_capture_on_commit_callbacks
) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen_user())
    english = citizen_user(user=UserFactory(email="omar@example.jo", preferred_language="en"))
    enrol(cohort_id=cohort.pk, citizen=english)
    with django_capture_on_commit_callbacks(execute=True):
        cancel(enrolment=seat)
    assert len(mail.outbox) == 1
    assert "A seat is offered to you" in mail.outbox[0].subject
    assert "Accept or decline it here" in mail.outbox[0].body


@pytest.mark.django_db
def test_offer_that_runs_out_is_ended_and_the_seat_offered_to_the_next_citizen(
    station_a, django_capture_on_commit_callbacks
) -> None:
    cohort, seat, (first, second) = _full_cohort_with_waitlist(station_a)
    cancel(enrolment=seat)
    first = _fresh(first)
    assert first.status == Status.OFFERED
    assert first.offer_expires_at is not None

    assert expire_offers(now=first.offer_expires_at - dt.timedelta(seconds=1)) == 0
    assert _fresh(first).status == Status.OFFERED
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_offers(now=first.offer_expires_at + dt.timedelta(minutes=5)) == 1

    first = _fresh(first)
    assert (first.status, first.end_reason) == (Status.CANCELLED, EndReason.OFFER_EXPIRED)
    assert _fresh(second).status == Status.OFFERED
    assert _held(cohort) == 1
    # The first citizen is told the offer ran out; the second that a seat is offered.
    assert len(mail.outbox) == 2
    assert expire_offers(now=first.offer_expires_at + dt.timedelta(minutes=5)) == 0  # nothing twice


@pytest.mark.django_db
def test_declined_offer_passes_to_the_next_citizen_and_the_last_one_reopens_the_cohort(station_a) -> None:
    cohort, seat, (first, second) = _full_cohort_with_waitlist(station_a)
    cancel(enrolment=seat)
    decline_offer(enrolment=_fresh(first))
    first = _fresh(first)
    assert (first.status, first.end_reason) == (Status.CANCELLED, EndReason.OFFER_DECLINED)
    assert _fresh(second).status == Status.OFFERED
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL

    cancel(enrolment=_fresh(second))  # cancelling an offer is declining it
    second = _fresh(second)
    assert (second.status, second.end_reason) == (Status.CANCELLED, EndReason.OFFER_DECLINED)
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN
    assert _held(cohort) == 0
    assert _refusal_code(lambda: decline_offer(enrolment=second)) == "not_offered"


@pytest.mark.django_db
def test_citizen_can_accept_an_offer_in_time_and_accepting_twice_keeps_one_seat(station_a) -> None:
    cohort, seat, (first, _second) = _full_cohort_with_waitlist(station_a)
    cancel(enrolment=seat)
    first = _fresh(first)
    assert first.offer_expires_at is not None
    accepted = accept_offer(enrolment=first, now=first.offer_expires_at - dt.timedelta(seconds=1))
    assert accepted.status == Status.ENROLLED
    assert accept_offer(enrolment=first).status == Status.ENROLLED
    assert _held(cohort) == 1
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL


@pytest.mark.django_db
def test_citizen_cannot_accept_an_offer_at_its_expiry_even_before_the_job_runs(station_a) -> None:
    cohort, seat, (first, second) = _full_cohort_with_waitlist(station_a)
    cancel(enrolment=seat)
    first = _fresh(first)
    assert first.offer_expires_at is not None

    with pytest.raises(ValidationError) as caught:
        accept_offer(enrolment=first, now=first.offer_expires_at)
    assert caught.value.code == "offer_expired"
    assert "run out" in caught.value.messages[0] or "انتهت" in caught.value.messages[0]
    first = _fresh(first)
    assert (first.status, first.end_reason) == (Status.CANCELLED, EndReason.OFFER_EXPIRED)
    assert _fresh(second).status == Status.OFFERED  # passed on at once
    assert _refusal_code(lambda: accept_offer(enrolment=first)) == "offer_expired"
    assert _held(cohort) == 1


@pytest.mark.django_db
def test_staff_cancelling_a_seat_is_recorded_as_by_staff_and_the_seat_is_offered(
    station_a, station_manager
) -> None:
    cohort, seat, (first,) = _full_cohort_with_waitlist(station_a, waiting=1)
    cancel(enrolment=seat, by=station_manager)
    assert _fresh(seat).end_reason == EndReason.BY_STAFF
    assert _fresh(first).status == Status.OFFERED
    own = enrol(cohort_id=cohort.pk, citizen=citizen_user())
    cancel(enrolment=own, by=own.citizen)
    assert _fresh(own).end_reason == EndReason.BY_CITIZEN


@pytest.mark.django_db
def test_added_seats_are_offered_to_the_waitlist_in_order(station_a) -> None:
    cohort, _seat, (first, second) = _full_cohort_with_waitlist(station_a, waiting=2)
    Cohort.objects.filter(pk=cohort.pk).update(seats=2)
    offers = offer_next_seat(cohort_id=cohort.pk)
    assert [offer.pk for offer in offers] == [first.pk]
    assert _fresh(second).status == Status.WAITLISTED
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL
    Cohort.objects.filter(pk=cohort.pk).update(seats=4)
    assert [offer.pk for offer in offer_next_seat(cohort_id=cohort.pk)] == [second.pk]
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN  # 3 of 4 seats held


# --- offers at any station ------------------------------------------------------------------------------------


def _stations():  # type: ignore[no-untyped-def]
    """A home station in central Amman and three others at growing distances from it."""
    home = StationFactory(latitude=31.9539, longitude=35.9106)
    near = StationFactory(latitude=31.9600, longitude=35.9200)  # ~1 km
    middle = StationFactory(latitude=31.9900, longitude=35.9900)  # ~8 km
    far = StationFactory(latitude=32.0700, longitude=36.0900)  # ~21 km (Zarqa side)
    return home, near, middle, far


def _any_station_waiter(cohort: Cohort, **profile: object) -> Enrolment:
    place = enrol(cohort_id=cohort.pk, citizen=citizen_user(**profile), any_station=True)
    assert place.status == Status.WAITLISTED
    assert place.any_station
    return place


@pytest.mark.django_db
def test_a_seat_without_local_waiters_is_offered_to_any_station_waiters_nearest_first() -> None:
    home, near, middle, far = _stations()
    programme = ProgrammeFactory()
    target = CohortFactory(programme=programme, station=home, seats=1)
    seat = enrol(cohort_id=target.pk, citizen=citizen_user())
    full = {s: CohortFactory(programme=programme, station=s, seats=1) for s in (near, middle, far)}
    for cohort in full.values():
        enrol(cohort_id=cohort.pk, citizen=citizen_user())
    # They asked in this order: the far one waited longest, the near ones last.
    at_far = _any_station_waiter(full[far])
    at_middle = _any_station_waiter(full[middle])
    at_near_first = _any_station_waiter(full[near])
    at_near_second = _any_station_waiter(full[near])
    not_asking = enrol(cohort_id=full[near].pk, citizen=citizen_user())

    offered_in_order = []
    cancel(enrolment=seat)
    for _ in range(4):
        offer = Enrolment.objects.get(cohort=target, status=Status.OFFERED)
        offered_in_order.append(offer.offered_from_id)
        assert offer.citizen_id == Enrolment.objects.get(pk=offer.offered_from_id).citizen_id
        decline_offer(enrolment=offer)
        # Declining an offer at another station keeps the waitlist place.
        assert _fresh(Enrolment.objects.get(pk=offer.offered_from_id)).status == Status.WAITLISTED

    # Nearest station first; at the same station, whoever has waited longer.
    assert offered_in_order == [at_near_first.pk, at_near_second.pk, at_middle.pk, at_far.pk]
    assert not Enrolment.objects.filter(cohort=target, citizen=not_asking.citizen).exists()
    target.refresh_from_db()
    assert target.status == Cohort.Status.OPEN  # nobody left to offer it to
    assert _held(target) == 0


@pytest.mark.django_db
def test_accepting_a_seat_at_another_station_ends_the_waitlist_place_there() -> None:
    home, near, _middle, _far = _stations()
    programme = ProgrammeFactory()
    target = CohortFactory(programme=programme, station=near, seats=1)
    seat = enrol(cohort_id=target.pk, citizen=citizen_user())
    own = CohortFactory(programme=programme, station=home, seats=1)
    enrol(cohort_id=own.pk, citizen=citizen_user())
    place = _any_station_waiter(own)
    behind = enrol(cohort_id=own.pk, citizen=citizen_user())

    cancel(enrolment=seat)
    offer = Enrolment.objects.get(cohort=target, status=Status.OFFERED)
    assert offer.offered_from_id == place.pk
    accept_offer(enrolment=offer)

    assert _fresh(offer).status == Status.ENROLLED
    place = _fresh(place)
    assert (place.status, place.end_reason) == (Status.CANCELLED, EndReason.SEAT_ELSEWHERE)
    assert _fresh(behind).status == Status.WAITLISTED  # their seat at home is still taken
    assert _held(own) == 1
    assert _held(target) == 1


@pytest.mark.django_db
def test_accepting_the_seat_at_home_withdraws_the_offer_elsewhere_and_passes_that_seat_on() -> None:
    home, near, middle, _far = _stations()
    programme = ProgrammeFactory()
    own = CohortFactory(programme=programme, station=home, seats=1)
    home_seat = enrol(cohort_id=own.pk, citizen=citizen_user())
    place = enrol(cohort_id=own.pk, citizen=citizen_user())
    elsewhere = CohortFactory(programme=programme, station=near, seats=1)
    offer_elsewhere = ask_for_any_station(enrolment=place)
    assert offer_elsewhere is not None and offer_elsewhere.cohort_id == elsewhere.pk
    third = CohortFactory(programme=programme, station=middle, seats=1)
    enrol(cohort_id=third.pk, citizen=citizen_user())
    next_waiter = _any_station_waiter(third)  # waits for the same programme, any station

    cancel(enrolment=home_seat)  # the home seat is offered to them too
    accept_offer(enrolment=_fresh(place))

    assert _fresh(place).status == Status.ENROLLED
    withdrawn = _fresh(offer_elsewhere)
    assert (withdrawn.status, withdrawn.end_reason) == (Status.CANCELLED, EndReason.SEAT_ELSEWHERE)
    passed_on = Enrolment.objects.get(cohort=elsewhere, status=Status.OFFERED)
    assert passed_on.offered_from_id == next_waiter.pk
    assert _held(elsewhere) == 1


@pytest.mark.django_db
def test_an_offer_elsewhere_that_runs_out_keeps_the_waitlist_place() -> None:
    home, near, _middle, _far = _stations()
    programme = ProgrammeFactory()
    target = CohortFactory(programme=programme, station=near, seats=1)
    own = CohortFactory(programme=programme, station=home, seats=1)
    enrol(cohort_id=own.pk, citizen=citizen_user())
    place = _any_station_waiter(own)  # the target has a free seat now: offered at once
    offer = Enrolment.objects.get(cohort=target, status=Status.OFFERED)
    assert offer.offered_from_id == place.pk
    assert offer.offer_expires_at is not None
    assert expire_offers(now=offer.offer_expires_at) == 1
    assert _fresh(offer).end_reason == EndReason.OFFER_EXPIRED
    assert _fresh(place).status == Status.WAITLISTED
    # The same seat is not offered to them again.
    assert not Enrolment.objects.filter(cohort=target, status=Status.OFFERED).exists()


@pytest.mark.django_db
def test_asking_for_any_station_offers_the_nearest_free_seat_at_once() -> None:
    home, near, middle, far = _stations()
    programme = ProgrammeFactory()
    own = CohortFactory(programme=programme, station=home, seats=1)
    enrol(cohort_id=own.pk, citizen=citizen_user())
    place = enrol(cohort_id=own.pk, citizen=citizen_user())
    CohortFactory(programme=programme, station=far, seats=3)
    middle_cohort = CohortFactory(programme=programme, station=middle, seats=3)
    closed = CohortFactory(
        programme=programme,
        station=near,
        seats=3,
        enrolment_closes=timezone.now() - dt.timedelta(hours=1),
        enrolment_opens=timezone.now() - dt.timedelta(days=3),
    )
    CohortFactory(station=near, seats=3)  # another programme
    CohortFactory(programme=programme, station=near, seats=3, status=Cohort.Status.DRAFT)

    offer = ask_for_any_station(enrolment=place)

    assert offer is not None
    assert offer.cohort_id == middle_cohort.pk  # the nearest one still open for enrolment
    assert offer.status == Status.OFFERED
    assert _fresh(place).any_station
    assert _fresh(place).status == Status.WAITLISTED
    assert not Enrolment.objects.filter(cohort=closed).exists()
    # One offer at a time: asking again makes no second one.
    assert ask_for_any_station(enrolment=place) is None
    # Declining it offers the next nearest.
    decline_offer(enrolment=offer)
    assert Enrolment.objects.get(offered_from=place, status=Status.OFFERED).cohort.station_id == far.pk


@pytest.mark.django_db
def test_seats_elsewhere_are_only_offered_to_citizens_who_meet_the_conditions() -> None:
    home, near, middle, _far = _stations()
    programme = ProgrammeFactory()
    women_only = CohortFactory(programme=programme, station=home, seats=1, gender="female")
    seat = enrol(cohort_id=women_only.pk, citizen=citizen_user())
    near_cohort = CohortFactory(programme=programme, station=near, seats=1)
    enrol(cohort_id=near_cohort.pk, citizen=citizen_user())
    man_near = _any_station_waiter(near_cohort, gender="male")
    middle_cohort = CohortFactory(programme=programme, station=middle, seats=1)
    enrol(cohort_id=middle_cohort.pk, citizen=citizen_user())
    woman_further = _any_station_waiter(middle_cohort, gender="female")

    cancel(enrolment=seat)

    offer = Enrolment.objects.get(cohort=women_only, status=Status.OFFERED)
    assert offer.offered_from_id == woman_further.pk
    assert not Enrolment.objects.filter(cohort=women_only, citizen=man_near.citizen).exists()


@pytest.mark.django_db
def test_only_a_waitlist_place_can_ask_for_any_station(station_a) -> None:
    cohort = CohortFactory(station=station_a)
    seat = enrol(cohort_id=cohort.pk, citizen=citizen_user())
    assert _refusal_code(lambda: ask_for_any_station(enrolment=seat)) == "not_waiting"


# --- concurrency ----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(3))
def test_accepting_and_expiring_the_same_offer_at_once_lets_exactly_one_win(attempt, station_a) -> None:
    cohort, seat, (first, second) = _full_cohort_with_waitlist(station_a)
    cancel(enrolment=seat)
    first = _fresh(first)
    assert first.offer_expires_at is not None
    deadline = first.offer_expires_at
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def accept() -> None:
        try:
            start.wait(timeout=30)
            accept_offer(enrolment=Enrolment.objects.get(pk=first.pk), now=deadline - dt.timedelta(seconds=1))
            results["accept"] = "won"
        except ValidationError as error:
            results["accept"] = error.code
        except BaseException as error:  # noqa: BLE001 - reported below
            results["accept"] = error
        finally:
            connections.close_all()

    def expire() -> None:
        try:
            start.wait(timeout=30)
            results["expire"] = expire_offers(now=deadline + dt.timedelta(minutes=1))
        except BaseException as error:  # noqa: BLE001 - reported below
            results["expire"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept), threading.Thread(target=expire)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    first = _fresh(first)
    second = _fresh(second)
    if results["accept"] == "won":
        assert results["expire"] == 0
        assert first.status == Status.ENROLLED
        assert second.status == Status.WAITLISTED
    else:
        assert results == {"accept": "offer_expired", "expire": 1}
        assert (first.status, first.end_reason) == (Status.CANCELLED, EndReason.OFFER_EXPIRED)
        assert second.status == Status.OFFERED
    assert _held(cohort) == 1
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FULL
