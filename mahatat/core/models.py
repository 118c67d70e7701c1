"""Base models shared by every app. Core imports no domain app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class BilingualNameMixin(models.Model):
    """Arabic and English (Latin) names, with `name` giving the one for the active language."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "ar")[:2]
        return self.name_en if lang == "en" and self.name_en else self.name_ar


def localized(obj: object, field: str) -> str:
    """The `<field>_en` or `<field>_ar` attribute of obj, for the active language, falling back to Arabic."""
    lang = (get_language() or "ar")[:2]
    value = getattr(obj, f"{field}_{lang}", "") or ""
    return value or getattr(obj, f"{field}_ar", "") or ""
