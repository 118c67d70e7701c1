"""Celery tasks of the training app. Each lives beside its service; importing them here registers them
with the worker (Celery's autodiscovery imports `<app>.tasks`)."""
from .services.waitlist import expire_offers  # noqa: F401  (every 5 minutes: seat offers that ran out)
