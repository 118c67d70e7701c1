"""Dates as people in Jordan read them: Asia/Amman time, with the Hijri date beside the Gregorian one."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import get_language
from hijridate import Gregorian

# Jordan keeps UTC+3 all year since 2022; the zone database knows the history before that.
AMMAN = ZoneInfo("Asia/Amman")


def local_now() -> dt.datetime:
    """Now, in Amman time (patch django.utils.timezone.now to freeze it in tests)."""
    return timezone.now().astimezone(AMMAN)


def local_today() -> dt.date:
    return local_now().date()


def to_amman(value: dt.datetime) -> dt.datetime:
    """An aware datetime in Amman time; a naive one is taken to be Amman time already."""
    return value.astimezone(AMMAN) if timezone.is_aware(value) else value.replace(tzinfo=AMMAN)


def english() -> bool:
    return (get_language() or "ar")[:2] == "en"


def hijri(value: dt.date | dt.datetime) -> str:
    """The Hijri (Umm al-Qura) date of a Gregorian date, e.g. '17 جمادى الآخرة 1448 هـ' for 2026-11-27.

    Month names and the era notation come from hijridate in the active language. Empty when the date is
    outside the Umm al-Qura table (before 1343 AH or after 1500 AH).
    """
    if isinstance(value, dt.datetime):
        value = to_amman(value).date()
    try:
        h = Gregorian(value.year, value.month, value.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    language: Literal["en", "ar"] = "en" if english() else "ar"
    return f"{h.day} {h.month_name(language)} {h.year} {h.notation(language)}"
