"""Search that ignores how people happen to type Arabic: hamza forms, taa marbuta, alif maqsura, diacritics."""

from __future__ import annotations

import pytest

from mahatat.core.arabic_text import build_index, fold, search_terms
from mahatat.stations.models import Station

from .factories import StationFactory, gam_area


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آمنة", "امنه"),
        ("ٱلقرآن", "القران"),
        ("مدرسة", "مدرسه"),
        ("مستشفى", "مستشفي"),
        ("مَكْتَبَةٌ", "مكتبه"),  # diacritics
        ("مكتبـــة", "مكتبه"),  # tatweel
        ("ﻣﺤﻄﺔ", "محطه"),  # presentation forms
        ("مؤسسة", "موسسه"),
        ("رئيس", "رييس"),
        ("Marka STATION", "marka station"),
        ("Zarqā", "zarqa"),
        ("KS-AMM-03", "ks amm 03"),
        ("٠٧٩١٢٣", "079123"),
        ("  بين   المسافات  ", "بين المسافات"),
    ],
)
def test_fold_maps_every_spelling_to_one_form(typed, folded):
    assert fold(typed) == folded


def test_fold_of_nothing_is_empty():
    assert fold(None) == ""
    assert fold("") == ""
    assert search_terms("  ،  ") == []


def test_build_index_folds_and_joins_its_parts():
    assert build_index("محطة المعرفة", None, "Marka") == "محطه المعرفه marka"


@pytest.fixture
def ashrafiyeh(db):
    return StationFactory(
        code="KS-AMM-04",
        name_ar="محطة معرفة الأشرفيّة",
        name_en="Ashrafiyeh Knowledge Station",
        address_ar="شارع مستشفى البشير",
        landmark_ar="مقابل مدرسة الإمام",
        area=gam_area(4),
    )


@pytest.fixture
def other_station(db):
    return StationFactory(
        code="KS-AMM-09", name_ar="محطة معرفة زهران", name_en="Zahran Knowledge Station", area=gam_area(9)
    )


def _found(client, q):
    response = client.get("/stations/", {"q": q})
    assert response.status_code == 200
    return {station.code for station, _status in response.context["rows"]}


@pytest.mark.parametrize(
    "query",
    [
        "الأشرفية",  # as stored, with hamza
        "الاشرفيه",  # bare alif, haa for taa marbuta
        "الإشرفية",  # the wrong hamza
        "الآشرفية",  # madda
        "الأَشْرَفِيَّة",  # fully vowelled
        "الاشـــرفية",  # tatweel
        "اشرفيه",  # without the article
    ],
)
def test_citizen_can_find_a_station_however_the_arabic_is_typed(client, ashrafiyeh, other_station, query):
    assert _found(client, query) == {"KS-AMM-04"}


def test_citizen_can_find_a_station_by_an_address_word_typed_with_yaa_for_alif_maqsura(
    client, ashrafiyeh, other_station
):
    assert _found(client, "مستشفي") == {"KS-AMM-04"}
    assert _found(client, "مدرسه الامام") == {"KS-AMM-04"}


@pytest.mark.parametrize("query", ["ashrafiyeh", "ASHRAFIYEH", "Ashrafiyeh knowledge", "ks-amm-04"])
def test_citizen_can_find_a_station_in_english_whatever_the_case(client, ashrafiyeh, other_station, query):
    assert _found(client, query) == {"KS-AMM-04"}


def test_citizen_can_find_a_station_by_its_area_name(client, ashrafiyeh, other_station):
    area = gam_area(9)
    assert _found(client, area.name_ar) == {"KS-AMM-09"}
    assert _found(client, area.name_en.upper()) == {"KS-AMM-09"}


def test_every_word_of_the_query_must_match(client, ashrafiyeh, other_station):
    assert _found(client, "محطة معرفة") == {"KS-AMM-04", "KS-AMM-09"}
    assert _found(client, "محطة زهران") == {"KS-AMM-09"}
    assert _found(client, "الأشرفية زهران") == set()


def test_the_search_index_follows_a_renamed_station(client, ashrafiyeh):
    ashrafiyeh.name_ar = "محطة معرفة جبل النّصر"
    ashrafiyeh.save(update_fields=["name_ar"])
    assert "جبل النصر" in Station.objects.get(pk=ashrafiyeh.pk).search_index
    assert _found(client, "جبل النصر") == {"KS-AMM-04"}
