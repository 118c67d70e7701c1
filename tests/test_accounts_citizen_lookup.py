"""Staff look up citizens by name (Arabic-aware), national number or mobile, and reveal an identity number only
with a reason: every reveal is logged, and the citizen sees it on their profile."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mahatat.accounts.models import CitizenProfile, PersonalDataAccess
from tests.factories import CitizenProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


SEARCH = reverse("accounts:citizen_search")


def detail_url(user) -> str:  # type: ignore[no-untyped-def]
    return reverse("accounts:citizen_detail", args=[CitizenProfile.objects.get(user=user).pk])


@pytest.fixture
def others(db):  # type: ignore[no-untyped-def]
    """People who must not turn up in the searches below."""
    a = CitizenProfileFactory(
        user=UserFactory(email="huda@example.jo", phone="+962781112233"),
        name_ar="هدى يوسف",
        name_en="Huda Yousef",
    )
    a.set_identity_number("9991234567")
    a.save()
    CitizenProfileFactory(
        user=UserFactory(email="omar@example.jo"), name_ar="عمر الخطيب", name_en="Omar Al-Khatib"
    )
    return a


@pytest.mark.parametrize(
    "query",
    [
        "سارة أحمد",  # as stored
        "ساره احمد",  # taa marbuta as haa, alif without hamza
        "سَارَة",  # with diacritics
        "sara ahmad",
        "SARA",
        "9981012345",  # national number
        "٩٩٨١٠١٢٣٤٥",  # in Arabic-Indic digits
        "079 123 4567",  # mobile
        "+962791234567",
        "٠٧٩١٢٣٤٥٦٧",
        "791234567",
    ],
)
def test_station_manager_can_find_a_citizen_by_name_number_or_mobile(
    client_as, station_manager, citizen, others, query: str
) -> None:
    response = client_as(station_manager).post(SEARCH, {"q": query})

    assert response.status_code == 200
    found = list(response.context["page"].object_list)
    assert [p.user for p in found] == [citizen]
    html = response.content.decode()
    assert detail_url(citizen) in html
    assert "******2345" in html
    assert "9981012345" not in html.replace('value="9981012345"', "")  # only ever echoed in the search box


def test_citizen_search_form_posts_so_numbers_stay_out_of_urls(client_as, station_manager) -> None:
    html = client_as(station_manager).get(SEARCH).content.decode()
    form = html[html.index('role="search"') - 200 : html.index('role="search"')]
    assert 'method="post"' in form


def test_station_manager_can_find_a_citizen_by_passport_number(client_as, station_manager, others) -> None:
    profile = CitizenProfile.objects.get(user__email="omar@example.jo")
    profile.id_type = "passport"
    profile.set_identity_number("N1234567")
    profile.save()

    response = client_as(station_manager).post(SEARCH, {"q": "n 1234567"})

    assert [p.pk for p in response.context["page"].object_list] == [profile.pk]


def test_station_manager_finds_nobody_with_part_of_a_national_number(
    client_as, station_manager, citizen
) -> None:
    response = client_as(station_manager).post(SEARCH, {"q": "99810123"})
    assert list(response.context["page"].object_list) == []


def test_citizen_search_with_no_query_lists_nobody(client_as, station_manager, citizen) -> None:
    response = client_as(station_manager).get(SEARCH)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize("count", [3, 20])
def test_citizen_search_makes_the_same_number_of_queries_whatever_the_number_found(
    client_as, station_manager, django_assert_num_queries, count: int
) -> None:
    from tests.factories import amman, gam_area

    for i in range(count):
        CitizenProfileFactory(
            user=UserFactory(email=f"nour{i}@example.jo", phone=f"+96277000{i:04d}"),
            name_ar=f"نور {i}",
            governorate=amman(),
            area=gam_area(3),
        )
    client = client_as(station_manager)
    client.get(SEARCH)

    with django_assert_num_queries(6):
        response = client.post(SEARCH, {"q": "نور"})
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("persona", ["citizen", "trainer", "inspector", "nitc_coordinator", "business_owner"])
def test_people_without_a_personal_data_role_cannot_search_citizens(client_as, request, persona: str) -> None:
    client = client_as(request.getfixturevalue(persona))
    assert client.get(SEARCH).status_code == 403
    assert client.post(SEARCH, {"q": "سارة"}).status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client) -> None:
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_citizen_page_shows_the_number_masked_and_a_form_to_reveal_it(
    client_as, station_staff, citizen
) -> None:
    html = client_as(station_staff).get(detail_url(citizen)).content.decode()

    assert "******2345" in html and "9981012345" not in html
    assert f'hx-post="{detail_url(citizen)}"' in html
    assert 'hx-target="#identity"' in html
    assert 'for="id_reason"' in html
    assert "079\u00a0123\u00a04567" in html  # no-break spaces: the number never splits


def test_station_staff_can_reveal_a_number_with_a_reason_and_the_reveal_is_logged(
    client_as, station_staff, citizen
) -> None:
    client = client_as(station_staff)

    response = client.post(
        detail_url(citizen),
        {"reason": "التحقق من الهوية للتسجيل في دورة"},
        HTTP_HX_REQUEST="true",
        REMOTE_ADDR="10.1.2.3",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # the htmx partial only
    assert html.strip().startswith('<section class="card border-warning-subtle" id="identity"')
    assert "9981012345" in html
    (access,) = PersonalDataAccess.objects.all()
    assert (access.actor, access.subject, access.field) == (station_staff, citizen, "id_number")
    assert access.reason == "التحقق من الهوية للتسجيل في دورة"
    assert access.ip_address == "10.1.2.3"


def test_every_reveal_is_logged_even_by_the_same_person(client_as, station_manager, citizen) -> None:
    client = client_as(station_manager)
    client.post(detail_url(citizen), {"reason": "first check"})
    client.post(detail_url(citizen), {"reason": "second check"}, HTTP_HX_REQUEST="true")
    assert list(PersonalDataAccess.objects.order_by("at").values_list("reason", flat=True)) == [
        "first check",
        "second check",
    ]


def test_staff_cannot_reveal_a_number_without_a_reason(client_as, station_manager, citizen) -> None:
    response = client_as(station_manager).post(detail_url(citizen), {"reason": ""}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert "9981012345" not in html
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("persona", ["trainer", "inspector", "citizen", "nitc_coordinator"])
def test_people_without_a_personal_data_role_cannot_reveal_a_number(
    client_as, request, citizen, persona
) -> None:
    response = client_as(request.getfixturevalue(persona)).post(detail_url(citizen), {"reason": "curious"})
    assert response.status_code == 403
    assert "9981012345" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_citizen_sees_the_reveal_on_their_profile(client_as, station_manager, citizen) -> None:
    client_as(station_manager).post(detail_url(citizen), {"reason": "تسجيل في دورة البرمجة"})

    html = client_as(citizen).get(reverse("accounts:profile")).content.decode()

    section = html.split('id="accesses"', 1)[1]
    assert "تسجيل في دورة البرمجة" in section
    assert str(station_manager) in section
