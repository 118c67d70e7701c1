"""The private link at which a citizen's calendar app subscribes to their training sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeedKey(models.Model):
    """Which generation of the calendar link is valid for a user. No row means generation 0.

    The link carries an HMAC of (user id, generation); resetting the link bumps the generation, so every
    earlier link stops working at once. Nothing secret is stored here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_calendar_key",
        verbose_name=_("user"),
    )
    generation = models.PositiveIntegerField(_("link generation"), default=0)
    reset_at = models.DateTimeField(_("link reset at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.generation}"
