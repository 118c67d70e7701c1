"""Dates as people in Jordan read them: Amman time, and the Hijri date beside the Gregorian one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from hijridate import Gregorian

from mahatat.core import dates


def test_hijri_date_of_27_november_2026_is_what_hijridate_says():
    # Checked against hijridate's Umm al-Qura table itself, not against a hand-written date.
    expected = Gregorian(2026, 11, 27).to_hijri()
    assert (expected.year, expected.month, expected.day) == (1448, 6, 17)
    with translation.override("ar"):
        assert dates.hijri(dt.date(2026, 11, 27)) == f"17 {expected.month_name('ar')} 1448 هـ"
    with translation.override("en"):
        assert dates.hijri(dt.date(2026, 11, 27)) == f"17 {expected.month_name('en')} 1448 AH"


def test_hijri_month_names_follow_the_language():
    with translation.override("ar"):
        assert "جمادى الآخرة" in dates.hijri(dt.date(2026, 11, 27))
    with translation.override("en"):
        assert "Jumada al-Akhirah" in dates.hijri(dt.date(2026, 11, 27))


def test_hijri_of_an_aware_datetime_uses_the_amman_date():
    # 22:30 UTC on 26 November is 01:30 on 27 November in Amman.
    late_utc = dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.UTC)
    assert dates.hijri(late_utc) == dates.hijri(dt.date(2026, 11, 27))
    assert dates.hijri(late_utc) != dates.hijri(dt.date(2026, 11, 26))


def test_hijri_outside_the_umm_al_qura_table_is_empty():
    assert dates.hijri(dt.date(1800, 1, 1)) == ""


def test_local_now_and_today_are_amman_time(monkeypatch):
    frozen = dt.datetime(2026, 11, 26, 22, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    assert dates.local_now().utcoffset() == dt.timedelta(hours=3)
    assert dates.local_now().hour == 1
    assert dates.local_today() == dt.date(2026, 11, 27)


def test_naive_datetimes_are_taken_as_amman_time():
    assert dates.to_amman(dt.datetime(2026, 11, 27, 9, 0)).utcoffset() == dt.timedelta(hours=3)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_hijri_template_filter_renders_the_hijri_date(language):
    with translation.override(language):
        html = Template("{% load mahatat %}{{ day|hijri }}").render(Context({"day": dt.date(2026, 11, 27)}))
        assert html == dates.hijri(dt.date(2026, 11, 27))
        assert "1448" in html


def test_arabic_reader_sees_the_levantine_month_names_used_in_jordan():
    import datetime

    from django.utils import dateformat, translation

    with translation.override("ar"):
        assert dateformat.format(datetime.date(2026, 11, 28), "j F Y") == "28 تشرين الثاني 2026"
        assert dateformat.format(datetime.date(2027, 1, 5), "F") == "كانون الثاني"
    with translation.override("en"):
        assert dateformat.format(datetime.date(2026, 11, 28), "j F Y") == "28 November 2026"
