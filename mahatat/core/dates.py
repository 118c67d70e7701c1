"""Dates as people in Jordan read them: Asia/Amman time, with the Hijri date beside the Gregorian one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language
from hijridate import Gregorian

HIJRI_MONTHS_AR = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
]
HIJRI_MONTHS_EN = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
]


def local_now() -> dt.datetime:
    return timezone.localtime(timezone.now())


def local_today() -> dt.date:
    return local_now().date()


def hijri(value: dt.date | dt.datetime) -> str:
    """The Hijri (Umm al-Qura) date of a Gregorian date, e.g. '7 جمادى الآخرة 1448 هـ'. Empty when out of range."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    try:
        h = Gregorian(value.year, value.month, value.day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    english = (get_language() or "ar")[:2] == "en"
    month = (HIJRI_MONTHS_EN if english else HIJRI_MONTHS_AR)[h.month - 1]
    suffix = "AH" if english else "هـ"
    return f"{h.day} {month} {h.year} {suffix}"
