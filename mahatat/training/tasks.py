"""Celery tasks of the training app. Each lives beside its service; importing them here registers them
with the worker (Celery's autodiscovery imports `<app>.tasks`)."""

from .services.certificates import issue_certificate_task, render_certificate_pdf_task  # noqa: F401
from .services.follow_ups import create_follow_ups_task  # noqa: F401  (daily: 3- and 6-month outcome follow-ups)
from .services.waitlist import expire_offers  # noqa: F401  (every 5 minutes: seat offers that ran out)
