"""Template helpers for station pages: when a closed station opens next, in words."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from mahatat.core.dates import to_amman

register = template.Library()


@register.simple_tag
def next_opening(when: dt.datetime | None, now: dt.datetime | None) -> str:
    """'Opens today at 16:00', 'Opens tomorrow at 08:00', 'Opens Sunday at 08:00' or with the date beyond a week."""
    if when is None or now is None:
        return ""
    when, now = to_amman(when), to_amman(now)
    days = (when.date() - now.date()).days
    time = time_format(when.time(), "H:i")
    if days == 0:
        return _("Opens today at %(time)s") % {"time": time}
    if days == 1:
        return _("Opens tomorrow at %(time)s") % {"time": time}
    if days < 7:
        return _("Opens %(day)s at %(time)s") % {"day": date_format(when.date(), "l"), "time": time}
    return _("Opens %(day)s at %(time)s") % {"day": date_format(when.date(), "l j F"), "time": time}


@register.filter
def phone_display(number: str | None) -> str:
    """+96265853307 → '+962 6 585 3307'; +962791234567 → '+962 79 123 4567'. Anything else as it is."""
    if not number or not number.startswith("+962") or not number[4:].isdigit():
        return number or ""
    local = number[4:]
    if len(local) == 9 and local.startswith("7"):  # mobile
        return f"+962 {local[:2]} {local[2:5]} {local[5:]}"
    if len(local) == 8:  # landline: area code and seven digits
        return f"+962 {local[0]} {local[1:4]} {local[4:]}"
    return number
