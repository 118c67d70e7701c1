"""Celery tasks of the training app. Each lives beside its service; importing them here registers them
with the worker (Celery's autodiscovery imports `<app>.tasks`)."""
