"""Open now, or closed and opening when: weekly hours, exceptions and public holidays, in Amman time.

27 November 2026 is a Friday; 26 November a Thursday, 29 November a Sunday. Amman is UTC+3.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mahatat.core.dates import AMMAN
from mahatat.stations.models import Governorate, HoursException, OpeningHours, PublicHoliday, Station
from mahatat.stations.opening_hours import open_status, overlapping, weekly_table

from .factories import StationFactory


def amman(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMMAN)


def week(*days, opens=dt.time(8), closes=dt.time(16)):
    return [OpeningHours(weekday=d, opens=opens, closes=closes) for d in days]


SUN_TO_THU = week(7, 1, 2, 3, 4)


def test_a_station_is_open_during_its_hours():
    status = open_status(amman(2026, 11, 29, 10), SUN_TO_THU, [], [])
    assert status.is_open
    assert status.closes_at == dt.time(16)


def test_a_station_is_closed_after_hours_and_opens_next_morning():
    status = open_status(amman(2026, 11, 29, 16), SUN_TO_THU, [], [])  # closing time itself is closed
    assert not status.is_open
    assert status.next_opening == amman(2026, 11, 30, 8)


def test_a_station_opens_later_the_same_day_before_its_hours():
    status = open_status(amman(2026, 11, 29, 7, 59), SUN_TO_THU, [], [])
    assert not status.is_open
    assert status.next_opening == amman(2026, 11, 29, 8)


def test_next_opening_after_thursday_evening_is_sunday_across_the_weekend():
    status = open_status(amman(2026, 11, 26, 17), SUN_TO_THU, [], [])
    assert not status.is_open
    assert status.next_opening == amman(2026, 11, 29, 8)
    friday = open_status(amman(2026, 11, 27, 11), SUN_TO_THU, [], [])
    assert friday.next_opening == amman(2026, 11, 29, 8)


def test_open_now_is_read_in_amman_time_not_utc():
    # 05:30 UTC on Sunday is 08:30 in Amman: open. Read as UTC it would be before opening.
    utc = dt.datetime(2026, 11, 29, 5, 30, tzinfo=dt.UTC)
    assert open_status(utc, SUN_TO_THU, [], []).is_open
    # 13:30 UTC on Sunday is 16:30 in Amman: closed, though 13:30 is within the hours.
    assert not open_status(dt.datetime(2026, 11, 29, 13, 30, tzinfo=dt.UTC), SUN_TO_THU, [], []).is_open


def test_a_split_day_is_closed_during_its_break():
    hours = [*week(7, opens=dt.time(8), closes=dt.time(12)), *week(7, opens=dt.time(16), closes=dt.time(20))]
    status = open_status(amman(2026, 11, 29, 13), hours, [], [])
    assert not status.is_open
    assert status.next_opening == amman(2026, 11, 29, 16)
    assert open_status(amman(2026, 11, 29, 17), hours, [], []).closes_at == dt.time(20)


def test_a_public_holiday_closes_the_station():
    holiday = PublicHoliday(date=dt.date(2026, 11, 29), name_ar="عيد", name_en="Eid")
    status = open_status(amman(2026, 11, 29, 10), SUN_TO_THU, [], [holiday], english=True)
    assert not status.is_open
    assert status.note == "Eid"
    assert status.next_opening == amman(2026, 11, 30, 8)


def test_a_date_exception_closes_the_station_all_day():
    closed = HoursException(date=dt.date(2026, 11, 29), closed=True, reason_ar="صيانة")
    status = open_status(amman(2026, 11, 29, 10), SUN_TO_THU, [closed], [])
    assert not status.is_open
    assert status.note == "صيانة"
    assert status.next_opening == amman(2026, 11, 30, 8)


def test_a_date_exception_sets_other_hours():
    short = HoursException(
        date=dt.date(2026, 11, 29), opens=dt.time(10), closes=dt.time(13), reason_en="Ramadan"
    )
    before = open_status(amman(2026, 11, 29, 9), SUN_TO_THU, [short], [])
    assert not before.is_open
    assert before.next_opening == amman(2026, 11, 29, 10)
    during = open_status(amman(2026, 11, 29, 11), SUN_TO_THU, [short], [])
    assert during.is_open and during.closes_at == dt.time(13)
    assert not open_status(amman(2026, 11, 29, 14), SUN_TO_THU, [short], []).is_open


def test_a_station_exception_opens_it_on_a_public_holiday():
    holiday = PublicHoliday(date=dt.date(2026, 11, 29), name_ar="عيد", name_en="Eid")
    special = HoursException(date=dt.date(2026, 11, 29), opens=dt.time(9), closes=dt.time(12))
    assert open_status(amman(2026, 11, 29, 10), SUN_TO_THU, [special], [holiday]).is_open


def test_a_station_with_no_hours_never_opens():
    status = open_status(amman(2026, 11, 29, 10), [], [], [])
    assert not status.is_open
    assert status.next_opening is None


def test_the_week_is_shown_sunday_first_and_marks_today():
    rows = weekly_table(SUN_TO_THU, today=dt.date(2026, 11, 27))
    assert [r.weekday for r in rows] == [7, 1, 2, 3, 4, 5, 6]
    assert [bool(r.periods) for r in rows] == [True] * 5 + [False] * 2
    assert [r.weekday for r in rows if r.is_today] == [5]


def test_overlapping_periods_are_found_per_day():
    nine_to_one = (7, dt.time(9), dt.time(13))
    noon_to_four = (7, dt.time(12), dt.time(16))
    one_to_four = (7, dt.time(13), dt.time(16))
    assert overlapping([nine_to_one, noon_to_four]) == [7]
    assert overlapping([nine_to_one, one_to_four]) == []  # touching is not overlapping
    assert overlapping([nine_to_one, (1, dt.time(12), dt.time(16))]) == []


# --- the pages, with a frozen "now" ---------------------------------------------------------------------------


@pytest.fixture
def frozen_now(monkeypatch):
    def freeze(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


@pytest.fixture
def marka(db):
    return StationFactory(code="KS-AMM-03", name_en="Marka Knowledge Station")


def test_citizen_sees_open_now_on_the_station_page_in_amman_time(client, marka, frozen_now):
    frozen_now(dt.datetime(2026, 11, 29, 5, 30, tzinfo=dt.UTC))  # Sunday 08:30 in Amman
    response = client.get("/stations/KS-AMM-03/", HTTP_COOKIE="mahatat_language=en")
    assert response.context["status"].is_open
    assert "Open now" in response.content.decode()
    assert "until 16:00" in response.content.decode()


def test_citizen_sees_closed_and_the_next_opening_on_friday(client, marka, frozen_now):
    frozen_now(amman(2026, 11, 27, 11))
    response = client.get("/stations/KS-AMM-03/", HTTP_COOKIE="mahatat_language=en")
    html = response.content.decode()
    assert not response.context["status"].is_open
    assert "Closed now" in html
    assert "Opens Sunday at 08:00" in html


def test_citizen_sees_closed_on_a_national_holiday_and_its_name(client, marka, frozen_now):
    frozen_now(amman(2026, 11, 29, 10))
    PublicHoliday.objects.create(
        date=dt.date(2026, 11, 29), name_ar="عيد الاستقلال", name_en="Independence Day"
    )
    response = client.get("/stations/KS-AMM-03/", HTTP_COOKIE="mahatat_language=en")
    html = response.content.decode()
    assert not response.context["status"].is_open
    assert "Independence Day" in html
    assert "Opens tomorrow at 08:00" in html


def test_a_holiday_of_another_governorate_does_not_close_an_amman_station(client, marka, frozen_now):
    frozen_now(amman(2026, 11, 29, 10))
    irbid = Governorate.objects.get(iso_code="JO-IR")
    PublicHoliday.objects.create(
        date=dt.date(2026, 11, 29), name_ar="عطلة", name_en="Local day", governorate=irbid
    )
    response = client.get("/stations/KS-AMM-03/")
    assert response.context["status"].is_open


def test_the_directory_shows_open_and_closed_stations_with_the_next_opening(client, marka, frozen_now):
    frozen_now(amman(2026, 11, 29, 10))
    StationFactory(code="KS-AMM-05", name_en="Evening Station", weekday_hours=False)
    evening = Station.objects.get(code="KS-AMM-05")
    OpeningHours.objects.create(station=evening, weekday=7, opens=dt.time(17), closes=dt.time(21))
    response = client.get("/stations/", HTTP_COOKIE="mahatat_language=en")
    statuses = {s.code: status for s, status in response.context["rows"]}
    assert statuses["KS-AMM-03"].is_open
    assert not statuses["KS-AMM-05"].is_open
    assert statuses["KS-AMM-05"].next_opening == amman(2026, 11, 29, 17)
    html = response.content.decode()
    assert "Open now" in html and "Opens today at 17:00" in html
