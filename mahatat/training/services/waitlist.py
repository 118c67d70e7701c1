"""Timed seat offers from the waitlist, at the citizen's own station or, when they ask, at any other one.

- A freed seat is never handed over directly: the first person waiting is OFFERED it for
  settings.TRAINING_OFFER_HOURS and told by SMS and e-mail. The offer holds the seat.
- Accepting before the offer runs out makes it a seat (ENROLLED); declining or letting it run out ends it and the
  seat is offered to the next person. `expire_offers` (a periodic job) ends the offers that ran out.
- When a cohort has a free seat and nobody waits for it, the seat is offered to people waiting for the same
  programme at other stations who asked for "any station", nearest first (then by waiting time). That offer is a
  new Enrolment with `offered_from` = their waitlist place; accepting it ends that place (SEAT_ELSEWHERE),
  declining or letting it run out keeps it.

Locks: every change of seats locks the cohort row first (as enrol() does); several cohorts are locked in order of
their primary key so two transactions cannot wait on each other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from mahatat.core.dates import to_amman
from mahatat.core.notifications import notify
from mahatat.stations.models import Station

from ..models import Cohort, Enrolment
from .enrolment import ENROLLABLE_STATUSES, check_eligibility

Status = Enrolment.Status
EndReason = Enrolment.EndReason


# --- helpers --------------------------------------------------------------------------------------------------


def offer_duration() -> dt.timedelta:
    return dt.timedelta(hours=settings.TRAINING_OFFER_HOURS)


def lock_cohorts(ids: Iterable[int]) -> dict[int, Cohort]:
    """Lock the cohort rows in primary-key order (SELECT ... FOR UPDATE; SQLite holds its write lock already)."""
    wanted = sorted(set(ids))
    return {
        cohort.pk: cohort
        for cohort in Cohort.objects.select_for_update()
        .select_related("programme", "station")
        .filter(pk__in=wanted)
        .order_by("pk")
    }


def seats_taken(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort).holding_seats().count()


def sync_full_status(cohort: Cohort) -> None:
    """Keep OPEN/FULL true to the seats held (the cohort row must be locked)."""
    taken = seats_taken(cohort)
    if cohort.status == Cohort.Status.OPEN and taken >= cohort.seats:
        cohort.status = Cohort.Status.FULL
    elif cohort.status == Cohort.Status.FULL and taken < cohort.seats:
        cohort.status = Cohort.Status.OPEN
    else:
        return
    cohort.save(update_fields=["status", "updated_at"])


def distance_km(a: Station, b: Station) -> float:
    """Great-circle distance (haversine); stations without coordinates are infinitely far."""
    if a.pk == b.pk:
        return 0.0
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, (a.latitude, a.longitude, b.latitude, b.longitude)))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def offer_url(enrolment: Enrolment) -> str:
    return settings.SITE_URL + reverse("training:offer", kwargs={"pk": enrolment.pk})


def format_amman(value: dt.datetime) -> str:
    """A date and time in Amman time, in the active language (e.g. "29 November 2026, 14:30")."""
    local = to_amman(value)
    comma = "،" if (translation.get_language() or "ar")[:2] == "ar" else ","
    return f"{formats.date_format(local, 'j F Y')}{comma} {local:%H:%M}"


def _notify_citizen(enrolment: Enrolment, *, subject: str, body: str) -> None:
    citizen = enrolment.citizen
    notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)


def _tell_offered(offer: Enrolment) -> None:
    cohort = offer.cohort
    assert offer.offer_expires_at is not None
    with translation.override(offer.citizen.preferred_language or "ar"):
        values = {
            "programme": cohort.programme.title,
            "station": cohort.station.name,
            "expires": format_amman(offer.offer_expires_at),
            "url": offer_url(offer),
        }
        subject = _("A seat is offered to you: %(programme)s") % values
        body = (
            _(
                "Mahatat: a seat in %(programme)s at %(station)s is held for you until %(expires)s (Amman time). "
                "Accept or decline it here: %(url)s"
            )
            % values
        )
        _notify_citizen(offer, subject=subject, body=body)


def _tell_expired(offer: Enrolment) -> None:
    cohort = offer.cohort
    with translation.override(offer.citizen.preferred_language or "ar"):
        values = {
            "programme": cohort.programme.title,
            "station": cohort.station.name,
            "url": offer_url(offer),
        }
        subject = _("Your seat offer ran out: %(programme)s") % values
        if offer.offered_from_id:
            text = _(
                "Mahatat: the seat offered to you in %(programme)s at %(station)s was not accepted in time and "
                "has passed to the next person. You keep your place on your waitlist. %(url)s"
            )
        else:
            text = _(
                "Mahatat: the seat offered to you in %(programme)s at %(station)s was not accepted in time and "
                "has passed to the next person. %(url)s"
            )
        _notify_citizen(offer, subject=subject, body=text % values)


# --- making offers --------------------------------------------------------------------------------------------


def _make_local_offer(place: Enrolment, *, now: dt.datetime) -> Enrolment:
    place.status = Status.OFFERED
    place.offer_expires_at = now + offer_duration()
    place.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _tell_offered(place)
    return place


def _make_cross_offer(*, cohort: Cohort, place: Enrolment, now: dt.datetime) -> Enrolment:
    offer = Enrolment.objects.create(
        cohort=cohort,
        citizen=place.citizen,
        status=Status.OFFERED,
        offer_expires_at=now + offer_duration(),
        offered_from=place,
        channel=place.channel,
        first_time=place.first_time,
    )
    _tell_offered(offer)
    return offer


def _can_take_cross_offers(cohort: Cohort, now: dt.datetime) -> bool:
    return cohort.status in ENROLLABLE_STATUSES and cohort.enrolment_opens <= now < cohort.enrolment_closes


def _eligible(cohort: Cohort, place: Enrolment, now: dt.datetime) -> bool:
    try:
        check_eligibility(cohort=cohort, citizen=place.citizen, now=now)
    except ValidationError:
        return False
    return True


def _any_station_waiters(cohort: Cohort) -> list[Enrolment]:
    """Waitlist places at other cohorts of the programme whose citizen asked for any station and may be offered
    a seat here: not already in this cohort, never offered a seat here from that place, no offer pending."""
    pending_from = Enrolment.objects.filter(status=Status.OFFERED, offered_from__isnull=False).values(
        "offered_from_id"
    )
    offered_here = Enrolment.objects.filter(cohort=cohort, offered_from__isnull=False).values(
        "offered_from_id"
    )
    here = Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.ACTIVE).values("citizen_id")
    return list(
        Enrolment.objects.filter(
            cohort__programme_id=cohort.programme_id, status=Status.WAITLISTED, any_station=True
        )
        .exclude(cohort=cohort)
        .exclude(pk__in=pending_from)
        .exclude(pk__in=offered_here)
        .exclude(citizen_id__in=here)
        .select_related("cohort__station", "citizen__citizen_profile")
    )


def offer_free_seats(cohort: Cohort, *, now: dt.datetime) -> list[Enrolment]:
    """Offer every free seat of a locked cohort: to its own waitlist in order, then to any-station waiters of
    other cohorts of the programme, nearest first. Returns the offers made."""
    offers: list[Enrolment] = []
    if cohort.status not in ENROLLABLE_STATUSES:
        return offers
    free = cohort.seats - seats_taken(cohort)
    if free > 0:
        waiting = list(
            Enrolment.objects.filter(cohort=cohort, status=Status.WAITLISTED)
            .select_related("citizen")
            .order_by("created_at", "id")[:free]
        )
        for place in waiting:
            place.cohort = cohort
            offers.append(_make_local_offer(place, now=now))
        free -= len(waiting)
    if free > 0 and _can_take_cross_offers(cohort, now):
        candidates = sorted(
            _any_station_waiters(cohort),
            key=lambda place: (distance_km(cohort.station, place.cohort.station), place.created_at, place.pk),
        )
        offered_citizens: set[int] = set()
        for place in candidates:
            if free <= 0:
                break
            if place.citizen_id in offered_citizens or not _eligible(cohort, place, now):
                continue
            offer = _make_cross_offer(cohort=cohort, place=place, now=now)
            offer.cohort = cohort
            offers.append(offer)
            offered_citizens.add(place.citizen_id)
            free -= 1
    sync_full_status(cohort)
    return offers


def _offer_elsewhere_for(place: Enrolment, *, now: dt.datetime) -> Enrolment | None:
    """Offer a waiting any-station citizen the nearest free seat at another cohort of the programme, if any."""
    if place.status != Status.WAITLISTED or not place.any_station:
        return None
    if Enrolment.objects.filter(offered_from=place, status=Status.OFFERED).exists():
        return None
    origin = place.cohort.station
    already = Enrolment.objects.filter(
        Q(offered_from=place) | Q(citizen_id=place.citizen_id, status__in=Enrolment.ACTIVE)
    ).values("cohort_id")
    candidates = list(
        Cohort.objects.filter(
            programme_id=place.cohort.programme_id,
            status__in=ENROLLABLE_STATUSES,
            enrolment_opens__lte=now,
            enrolment_closes__gt=now,
        )
        .exclude(pk=place.cohort_id)
        .exclude(pk__in=already)
        .select_related("station")
    )
    candidates.sort(key=lambda cohort: (distance_km(origin, cohort.station), cohort.pk))
    for candidate in candidates:
        cohort = lock_cohorts([candidate.pk])[candidate.pk]
        if not _can_take_cross_offers(cohort, now) or not _eligible(cohort, place, now):
            continue
        if Enrolment.objects.filter(cohort=cohort, status=Status.WAITLISTED).exists():
            continue  # its own waitlist comes first
        if seats_taken(cohort) >= cohort.seats:
            continue
        offer = _make_cross_offer(cohort=cohort, place=place, now=now)
        offer.cohort = cohort
        sync_full_status(cohort)
        return offer
    return None


def withdraw_cross_offers(
    place: Enrolment, *, reason: str, now: dt.datetime, exclude_pk: int | None = None
) -> None:
    """The citizen took a seat: end the pending offers made from their waitlist place at other cohorts, and
    pass those seats on."""
    pending_ids = list(
        Enrolment.objects.filter(offered_from=place, status=Status.OFFERED)
        .exclude(pk=exclude_pk or 0)
        .values_list("cohort_id", flat=True)
    )
    if not pending_ids:
        return
    cohorts = lock_cohorts(pending_ids)
    for offer in Enrolment.objects.select_for_update().filter(
        offered_from=place, status=Status.OFFERED, cohort_id__in=cohorts
    ):
        if offer.pk == exclude_pk:
            continue
        offer.status = Status.CANCELLED
        offer.end_reason = reason
        offer.save(update_fields=["status", "end_reason", "updated_at"])  # kept in the history
    for cohort in cohorts.values():
        offer_free_seats(cohort, now=now)


# --- the service functions ------------------------------------------------------------------------------------


@transaction.atomic
def offer_next_seat(*, cohort_id: int, now: dt.datetime | None = None) -> list[Enrolment]:
    """Offer every free seat of the cohort (after a cancellation, or when seats were added). Returns the offers."""
    now = now or timezone.now()
    cohort = lock_cohorts([cohort_id])[cohort_id]
    return offer_free_seats(cohort, now=now)


def _expired_message() -> str:
    return _("This offer has run out: the seat has passed to the next person.")


def accept_offer(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment:
    """Take the offered seat. Refused (code "offer_expired") at or after its expiry, even before the job ran; the
    offer is then ended and passed on at once. Accepting twice gives the same seat back."""
    now = now or timezone.now()
    expired = False
    with transaction.atomic():
        origin = (
            Enrolment.objects.filter(pk=enrolment.offered_from_id).first()
            if enrolment.offered_from_id
            else None
        )
        cohorts = lock_cohorts([enrolment.cohort_id, *([origin.cohort_id] if origin else [])])
        cohort = cohorts[enrolment.cohort_id]
        current = Enrolment.objects.select_for_update().select_related("citizen").get(pk=enrolment.pk)
        if current.status == Status.ENROLLED:
            enrolment.status = current.status
            return current
        if current.status != Status.OFFERED:
            if current.end_reason == EndReason.OFFER_EXPIRED:
                raise ValidationError(_expired_message(), code="offer_expired")
            raise ValidationError(_("There is no seat offer to accept here."), code="not_offered")
        assert current.offer_expires_at is not None
        if now >= current.offer_expires_at:
            end_offer(current, cohort=cohort, reason=EndReason.OFFER_EXPIRED, now=now)
            expired = True
        else:
            current.status = Status.ENROLLED
            current.save(update_fields=["status", "updated_at"])
            if current.offered_from_id:
                original = Enrolment.objects.select_for_update().get(pk=current.offered_from_id)
                _end_original_place(original, cohort=cohorts[original.cohort_id], now=now, keep=current.pk)
            else:
                withdraw_cross_offers(current, reason=EndReason.SEAT_ELSEWHERE, now=now)
            sync_full_status(cohort)
    if expired:
        enrolment.status = Status.CANCELLED
        raise ValidationError(_expired_message(), code="offer_expired")
    enrolment.status = current.status
    return current


def _end_original_place(original: Enrolment, *, cohort: Cohort, now: dt.datetime, keep: int) -> None:
    """The citizen took a seat elsewhere: their waitlist place (or a local offer it became) ends."""
    if original.status in (Status.WAITLISTED, Status.OFFERED):
        original.status = Status.CANCELLED
        original.end_reason = EndReason.SEAT_ELSEWHERE
        original.save(update_fields=["status", "end_reason", "updated_at"])
        offer_free_seats(cohort, now=now)
    withdraw_cross_offers(original, reason=EndReason.SEAT_ELSEWHERE, now=now, exclude_pk=keep)


def end_offer(offer: Enrolment, *, cohort: Cohort, reason: str, now: dt.datetime) -> list[Enrolment]:
    """End an offer (declined, expired, cancelled by staff) and offer the seat to the next person (the offers
    made at this cohort are returned). The cohort row must be locked."""
    offer.status = Status.CANCELLED
    offer.end_reason = reason
    offer.save(update_fields=["status", "end_reason", "updated_at"])
    if reason == EndReason.OFFER_EXPIRED:
        _tell_expired(offer)
    offers = offer_free_seats(cohort, now=now)
    if offer.offered_from_id:
        # The waitlist place stays; look for the next nearest free seat for it.
        original = Enrolment.objects.select_related("cohort__station", "citizen").get(
            pk=offer.offered_from_id
        )
        _offer_elsewhere_for(original, now=now)
    # A pending offer elsewhere made from this place stays: the citizen may have declined here to take it.
    return offers


@transaction.atomic
def decline_offer(*, enrolment: Enrolment, now: dt.datetime | None = None, reason: str = "") -> Enrolment:
    """Decline a seat offer: it ends (OFFER_DECLINED) and the seat is offered to the next person. A declined offer
    from another station keeps the citizen's own waitlist place."""
    now = now or timezone.now()
    cohort = lock_cohorts([enrolment.cohort_id])[enrolment.cohort_id]
    current = Enrolment.objects.select_for_update().select_related("citizen").get(pk=enrolment.pk)
    if current.status != Status.OFFERED:
        if current.end_reason == EndReason.OFFER_EXPIRED:
            raise ValidationError(_expired_message(), code="offer_expired")
        raise ValidationError(_("There is no seat offer to decline here."), code="not_offered")
    end_offer(current, cohort=cohort, reason=reason or EndReason.OFFER_DECLINED, now=now)
    enrolment.status = current.status
    enrolment.end_reason = current.end_reason
    return current


@shared_task(name="mahatat.training.expire_offers")
def expire_offers(now: dt.datetime | None = None) -> int:
    """End every offer past its expiry (OFFER_EXPIRED, the citizen told) and pass each seat on. Idempotent."""
    now = now or timezone.now()
    due = list(
        Enrolment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
            "pk", "cohort_id"
        )
    )
    ended = 0
    for pk, cohort_id in due:
        with transaction.atomic():
            cohort = lock_cohorts([cohort_id])[cohort_id]
            offer = (
                Enrolment.objects.select_for_update()
                .select_related("citizen")
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if offer is None:  # accepted or declined meanwhile
                continue
            end_offer(offer, cohort=cohort, reason=EndReason.OFFER_EXPIRED, now=now)
            ended += 1
    return ended


@transaction.atomic
def ask_for_any_station(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Enrolment | None:
    """A waitlisted citizen also accepts a seat at any other station: mark the place, and offer the nearest free
    seat at once if there is one. Returns that offer, if made."""
    now = now or timezone.now()
    lock_cohorts([enrolment.cohort_id])
    place = (
        Enrolment.objects.select_for_update()
        .select_related("cohort__station", "citizen")
        .get(pk=enrolment.pk)
    )
    if place.status != Status.WAITLISTED:
        raise ValidationError(
            _("Only a place on a waitlist can ask for a seat at another station."), code="not_waiting"
        )
    if not place.any_station:
        place.any_station = True
        place.save(update_fields=["any_station", "updated_at"])
    enrolment.any_station = True
    return _offer_elsewhere_for(place, now=now)
