"""Background jobs of core: delivery of e-mail and SMS. Thin wrappers, retried on failure."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from . import sms


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, to: str, subject: str, body: str) -> None:  # type: ignore[no-untyped-def]
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@shared_task(bind=True, autoretry_for=(sms.SMSDeliveryError,), retry_backoff=True, max_retries=5)
def send_sms(self, to: str, body: str) -> None:  # type: ignore[no-untyped-def]
    sms.send_sms(to, body)


@shared_task
def clear_expired_sessions() -> None:
    """Daily housekeeping (scheduled by django-celery-beat): drop expired sessions."""
    from django.core.management import call_command

    call_command("clearsessions")


@shared_task
def make_daily_ledger_checkpoint() -> int:
    """Daily (scheduled by django-celery-beat): sign the ledger's head; idempotent per day in Amman time."""
    from .ledger import make_daily_checkpoint

    checkpoint, _created = make_daily_checkpoint()
    return checkpoint.pk
