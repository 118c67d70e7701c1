"""Notifications: e-mail and SMS sent as background jobs once the surrounding transaction commits.

Call `notify(...)` from a service. It renders nothing itself: callers pass the subject and text already in the
recipient's language (use `translation.override(user.preferred_language)`). Nothing is sent when the
transaction rolls back, and a job that fails is retried by Celery.
"""

from __future__ import annotations

from django.db import transaction

from . import tasks


def notify(*, email: str = "", phone: str = "", subject: str, body: str) -> None:
    if email:
        transaction.on_commit(lambda: tasks.send_email.delay(email, subject, body))
    if phone:
        transaction.on_commit(lambda: tasks.send_sms.delay(phone, body))
