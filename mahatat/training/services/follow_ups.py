"""Outcome follow-ups: 3 and 6 months after completing, ask graduates whether they found work, started a business
or went on studying.

A daily beat job (`create_follow_ups`) makes one OutcomeFollowUp per completed enrolment and interval, and sends
the citizen a link with a random token; only the token's SHA-256 is kept. Running the job twice makes nothing new.
Answers come once, through the link or entered by staff for the citizen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import secrets
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mahatat.accounts.models import User
from mahatat.core.dates import local_today
from mahatat.core.notifications import notify

from ..models import Enrolment, OutcomeFollowUp

INTERVALS = (OutcomeFollowUp.Months.THREE, OutcomeFollowUp.Months.SIX)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier, when negative), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _local_date(value: dt.datetime) -> dt.date:
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def follow_up_url(token: str) -> str:
    return settings.SITE_URL + reverse("training:follow_up", kwargs={"token": token})


def _send(item: OutcomeFollowUp, token: str) -> None:
    citizen = item.enrolment.citizen
    with translation.override(citizen.preferred_language or settings.LANGUAGE_CODE):
        title = item.enrolment.cohort.programme.title
        subject = _("What happened after %(programme)s?") % {"programme": title}
        body = _(
            "%(months)s months ago you completed %(programme)s. Three short questions help us plan better "
            "courses: %(url)s"
        ) % {"months": item.months, "programme": title, "url": follow_up_url(token)}
    notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)


def create_follow_ups(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Create (and send) the follow-ups that are due by `today`. Returns how many were created."""
    today = today or local_today()
    now = now or timezone.now()
    created = 0
    for months in INTERVALS:
        cutoff = add_months(today, -int(months))
        # Everything completed on or before the cutoff day (Amman time) is due.
        cutoff_end = dt.datetime.combine(
            cutoff + dt.timedelta(days=1), dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )
        candidates = (
            Enrolment.objects.filter(
                outcome=Enrolment.Outcome.COMPLETED, completed_at__isnull=False, completed_at__lt=cutoff_end
            )
            .exclude(follow_ups__months=months)
            .select_related("citizen", "cohort__programme")
            .order_by("id")
        )
        for enrolment in candidates.iterator(chunk_size=500):
            assert enrolment.completed_at is not None
            due_on = add_months(_local_date(enrolment.completed_at), int(months))
            if months == OutcomeFollowUp.Months.THREE and add_months(due_on, 3) <= today:
                # Already past the 6-month mark: ask once, at 6 months, instead of twice at once.
                continue
            token = secrets.token_urlsafe(24)
            try:
                with transaction.atomic():
                    item = OutcomeFollowUp.objects.create(
                        enrolment=enrolment,
                        months=months,
                        due_on=due_on,
                        token_hash=hash_token(token),
                        sent_at=now,
                    )
                    _send(item, token)
            except IntegrityError:
                continue  # another run made it first
            created += 1
    return created


@shared_task(name="mahatat.training.create_follow_ups")
def create_follow_ups_task() -> int:
    return create_follow_ups()


def find_by_token(token: str) -> OutcomeFollowUp | None:
    if not token or len(token) > 100:
        return None
    return (
        OutcomeFollowUp.objects.select_related("enrolment__cohort__programme", "enrolment__cohort__station")
        .filter(token_hash=hash_token(token))
        .first()
    )


def record_answers(
    *,
    follow_up: OutcomeFollowUp,
    employed: bool,
    started_business: bool,
    continued_study: bool,
    entered_by: User | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Record the answers once. Returns False when the follow-up was already answered."""
    updated = OutcomeFollowUp.objects.filter(pk=follow_up.pk, responded_at__isnull=True).update(
        employed=employed,
        started_business=started_business,
        continued_study=continued_study,
        entered_by=entered_by,
        responded_at=now or timezone.now(),
    )
    if updated:
        follow_up.refresh_from_db()
    return bool(updated)
