"""The citizen's training sessions as an iCalendar (RFC 5545) feed, at a private link that needs no sign-in.

The link's token is `<user id>-<HMAC-SHA256(SECRET_KEY-derived key, "user id:generation")>`. The generation is
kept in CalendarFeedKey; resetting the link bumps it, so every earlier link stops working at once. A forged or
old token finds nothing (404), and nothing in the token can be turned into another user's.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from icalendar import Calendar, Event

from mahatat.accounts.models import User

from .models import CalendarFeedKey, Cohort, Enrolment, TrainingSession

_SALT = "mahatat.training.calendar_feed"


def _generation_of(user_id: int) -> int:
    value = CalendarFeedKey.objects.filter(user_id=user_id).values_list("generation", flat=True).first()
    return value or 0


def _signature(user_id: int, generation: int) -> str:
    return salted_hmac(_SALT, f"{user_id}:{generation}", algorithm="sha256").hexdigest()[:40]


def feed_token(user: User) -> str:
    return f"{user.pk}-{_signature(user.pk, _generation_of(user.pk))}"


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to, or None for anything forged, reset or malformed."""
    user_part, _sep, signature = token.partition("-")
    if not user_part.isdecimal() or len(signature) != 40:
        return None
    user_id = int(user_part)
    expected = _signature(user_id, _generation_of(user_id))
    if not hmac.compare_digest(expected, signature):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


@transaction.atomic
def reset_feed_token(*, user: User) -> str:
    """Invalidate every earlier calendar link of the user and return the new token."""
    key, _created = CalendarFeedKey.objects.select_for_update().get_or_create(user=user)
    CalendarFeedKey.objects.filter(pk=key.pk).update(generation=F("generation") + 1, reset_at=timezone.now())
    return feed_token(user)


def sessions_for_feed(user: User) -> list[TrainingSession]:
    """Sessions of the cohorts where the user holds an enrolled place (not offers, not the waitlist)."""
    return list(
        TrainingSession.objects.filter(
            cohort__enrolments__citizen=user,
            cohort__enrolments__status=Enrolment.Status.ENROLLED,
        )
        .select_related("cohort__programme", "cohort__station")
        .order_by("starts_at", "id")
        .distinct()
    )


def _uid(session: TrainingSession) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "mahatat"
    return f"training-session-{session.pk}@{host}"


def _location(session: TrainingSession) -> str:
    station = session.cohort.station
    address = (getattr(station, "address_en", "") if _lang() == "en" else "") or station.address_ar
    parts = [station.name, session.room, address]
    return " · ".join(p for p in parts if p)


def _lang() -> str:
    return (translation.get_language() or "ar")[:2]


def build_calendar(
    *, user: User, sessions: Iterable[TrainingSession], now: dt.datetime | None = None
) -> bytes:
    """An iCalendar document (times in UTC) in the user's language; cancelled courses are STATUS:CANCELLED."""
    now = now or timezone.now()
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        from django.utils.translation import gettext as _

        cal = Calendar()
        cal.add("prodid", "-//Mahatat//Training//AR")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", _("My training · Mahatat"))
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        for session in sessions:
            cohort = session.cohort
            event = Event()
            event.add("uid", _uid(session))
            event.add("dtstamp", now.astimezone(dt.UTC))
            event.add("dtstart", session.starts_at.astimezone(dt.UTC))
            event.add("dtend", session.ends_at.astimezone(dt.UTC))
            event.add("summary", cohort.programme.title)
            event.add("location", _location(session))
            if settings.SITE_URL:
                event.add("url", settings.SITE_URL + cohort.get_absolute_url())
            cancelled = cohort.status == Cohort.Status.CANCELLED
            event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            cal.add_component(event)
        return cal.to_ical()
