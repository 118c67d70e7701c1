"""The public training catalogue and cohort pages: filters, Arabic search, search misses, live seats, enrolment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mahatat.training.models import CatalogueSearchMiss, Cohort, Enrolment, TargetGroup, Topic

from .factories import CitizenProfileFactory, StationFactory, UserFactory
from .training_factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
    citizen_user,
)

# filter stations, filter governorates, count, page of cohorts (with seats), their sessions.
CATALOGUE_QUERIES = 5
# the cohort with its seats (one query).
SEATS_QUERIES = 1


def english(client):  # type: ignore[no-untyped-def]
    client.cookies["mahatat_language"] = "en"
    return client


def ids(response) -> list[int]:
    return [cohort.pk for cohort, _summary in response.context["rows"]]


@pytest.fixture
def business(station_a):
    programme = ProgrammeFactory(
        code="business-basics",
        title_ar="أساسيات ريادة الأعمال",
        title_en="Business basics",
        topic=Topic.ENTREPRENEURSHIP,
        target_groups=[TargetGroup.WOMEN, TargetGroup.ENTREPRENEURS],
        description_ar="كيف تبدأ مشروعك الصغير",
        description_en="How to start a small business",
    )
    return CohortFactory(programme=programme, station=station_a, starts_on=dt.date(2026, 12, 6))


@pytest.fixture
def excel(station_b):
    programme = ProgrammeFactory(
        code="excel",
        title_ar="مهارات إكسل",
        title_en="Excel skills",
        topic=Topic.DIGITAL_SKILLS,
        target_groups=[TargetGroup.YOUTH, TargetGroup.JOB_SEEKERS],
    )
    return CohortFactory(programme=programme, station=station_b, starts_on=dt.date(2027, 1, 10))


# --- The catalogue ---------------------------------------------------------------------------------------------


def test_the_catalogue_lists_open_full_and_running_cohorts_but_not_drafts_cancelled_or_completed(
    client, business, excel, station_a
):
    full = CohortFactory(station=station_a, status=Cohort.Status.FULL)
    running = CohortFactory(station=station_a, status=Cohort.Status.RUNNING)
    hidden = [
        CohortFactory(station=station_a, status=status)
        for status in (Cohort.Status.DRAFT, Cohort.Status.CANCELLED, Cohort.Status.COMPLETED)
    ]
    response = client.get("/training/")
    assert response.status_code == 200
    assert set(ids(response)) == {business.pk, excel.pk, full.pk, running.pk}
    assert not {c.pk for c in hidden} & set(ids(response))
    # Soonest start first; cohorts without dates last.
    assert ids(response)[:2] == [business.pk, excel.pk]


def test_the_card_shows_title_station_start_schedule_seats_eligibility_language_hours_provider(
    client, business
):
    business.gender = "female"
    business.min_age, business.max_age = 18, 35
    business.save()
    start = timezone.make_aware(dt.datetime(2026, 12, 6, 16, 0))
    for week in range(3):
        TrainingSessionFactory(cohort=business, starts_at=start + dt.timedelta(days=7 * week))
    EnrolmentFactory(cohort=business)
    english(client)
    html = client.get("/training/").content.decode()
    assert "Business basics" in html
    assert "Marka Knowledge Station" in html
    assert "Sunday 6 December 2026" in html
    assert "3 sessions" in html and "Sunday" in html and "16:00–18:00" in html
    assert "9 seats left" in html
    assert "Women only" in html and "Ages 18–35" in html
    assert "20 hours" in html and "Arabic" in html and "NITC" in html


def test_the_catalogue_filters_by_station_governorate_topic_and_start_date(
    client, business, excel, station_b
):
    assert ids(client.get("/training/", {"station": station_b.pk})) == [excel.pk]
    assert ids(client.get("/training/", {"topic": Topic.ENTREPRENEURSHIP})) == [business.pk]
    assert ids(client.get("/training/", {"governorate": station_b.governorate_id})) == [business.pk, excel.pk]
    assert ids(client.get("/training/", {"from": "2027-01-01"})) == [excel.pk]
    assert ids(client.get("/training/", {"to": "2026-12-31"})) == [business.pk]
    assert ids(client.get("/training/", {"from": "2026-12-06", "to": "2026-12-06"})) == [business.pk]


def test_the_catalogue_filters_by_target_group(client, business, excel):
    assert ids(client.get("/training/", {"group": "women"})) == [business.pk]
    assert ids(client.get("/training/", {"group": "job_seekers"})) == [excel.pk]
    assert ids(client.get("/training/", {"group": "disabilities"})) == []
    # An unknown group is let go rather than breaking the page.
    assert ids(client.get("/training/", {"group": "nobody"})) == [business.pk, excel.pk]


def test_bad_filter_values_are_let_go(client, business, excel):
    response = client.get("/training/", {"station": "99999", "governorate": "x", "from": "31/12/2026"})
    assert response.status_code == 200
    assert ids(response) == [business.pk, excel.pk]
    assert not CatalogueSearchMiss.objects.exists()


@pytest.mark.parametrize("query", ["الاعمال", "الأعمال", "اعمال", "BUSINESS", "مشروعك"])
def test_the_search_folds_arabic_spellings_and_case(client, business, excel, query):
    assert ids(client.get("/training/", {"q": query})) == [business.pk]


def test_the_search_also_finds_the_station_by_name(client, business, excel):
    assert ids(client.get("/training/", {"q": "طارق"})) == [excel.pk]
    # Every term must match, either in the course or in the station.
    assert ids(client.get("/training/", {"q": "اكسل طارق"})) == [excel.pk]
    assert ids(client.get("/training/", {"q": "اكسل ماركا"})) == []


@pytest.mark.parametrize("cohorts", [2, 14])
def test_the_catalogue_makes_the_same_number_of_queries_whatever_the_number_of_cohorts(
    client, db, django_assert_num_queries, station_a, cohorts
):
    for n in range(cohorts):
        cohort = CohortFactory(station=station_a, starts_on=dt.date(2026, 12, 1) + dt.timedelta(days=n))
        TrainingSessionFactory(cohort=cohort)
        TrainingSessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=3))
        EnrolmentFactory(cohort=cohort)
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get("/training/", {"q": "الرقمية", "group": "", "topic": Topic.DIGITAL_SKILLS})
    assert len(ids(response)) == min(cohorts, 12)


def test_the_htmx_request_gets_only_the_results_and_a_clean_url(client, business, excel):
    response = client.get("/training/", {"q": "اكسل", "topic": "", "station": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="catalogue-filters"' not in html
    assert "مهارات إكسل" in html and "أساسيات ريادة الأعمال" not in html
    assert 'id="results-status" hx-swap-oob="innerHTML"' in html
    assert response["HX-Push-Url"] == "/training/?q=%D8%A7%D9%83%D8%B3%D9%84"
    assert "HX-Request" in response["Vary"]


def test_the_catalogue_pages_through_results_keeping_the_filters(client, station_a):
    for n in range(14):
        CohortFactory(station=station_a, starts_on=dt.date(2026, 12, 1) + dt.timedelta(days=n))
    first = client.get("/training/", {"topic": Topic.DIGITAL_SKILLS})
    assert len(ids(first)) == 12
    assert "?topic=digital_skills&amp;page=2" in first.content.decode()
    second = client.get("/training/", {"topic": Topic.DIGITAL_SKILLS, "page": 2})
    assert len(ids(second)) == 2


# --- Searches that find nothing --------------------------------------------------------------------------------


def test_a_search_that_finds_nothing_is_recorded_once_with_its_folded_text_and_filters(
    client, business, station_a
):
    response = client.get("/training/", {"q": "تصميم الأزياء", "station": station_a.pk, "topic": Topic.OTHER})
    assert ids(response) == []
    miss = CatalogueSearchMiss.objects.get()
    assert miss.query == "تصميم الأزياء"
    assert miss.folded == "تصميم الازياء"
    assert miss.station == station_a
    assert miss.topic == Topic.OTHER
    assert "catalogue-empty" in response.content.decode()
    english(client)
    html = client.get("/training/", {"q": "fashion design"}).content.decode()
    assert "No course matches your search right now." in html


def test_a_governorate_filter_that_finds_nothing_is_recorded(client, business, excel):
    zarqa = StationFactory(code="KS-ZRQ-01")
    zarqa.governorate = type(zarqa.governorate).objects.get(iso_code="JO-AZ")
    zarqa.save()
    client.get("/training/", {"governorate": zarqa.governorate_id})
    miss = CatalogueSearchMiss.objects.get()
    assert miss.governorate_id == zarqa.governorate_id and miss.query == ""


def test_no_miss_is_recorded_for_an_empty_search_or_a_search_that_finds_something(client, business):
    Cohort.objects.all().update(status=Cohort.Status.DRAFT)
    client.get("/training/")  # nothing open at all, but nothing was searched for either
    client.get("/training/", {"q": "   "})
    Cohort.objects.all().update(status=Cohort.Status.OPEN)
    client.get("/training/", {"q": "الاعمال"})
    assert not CatalogueSearchMiss.objects.exists()


def test_typing_a_search_that_finds_nothing_gives_one_row_not_one_per_pause(client, business):
    for text in ("تص", "تصمي", "تصميم"):
        client.get("/training/", {"q": text}, HTTP_HX_REQUEST="true")
    assert list(CatalogueSearchMiss.objects.values_list("query", flat=True)) == ["تصميم"]
    client.get("/training/", {"q": "خياطة"}, HTTP_HX_REQUEST="true")
    assert CatalogueSearchMiss.objects.count() == 2


def test_htmx_history_restore_and_seat_polling_record_no_miss(client, business):
    client.get("/training/", {"q": "خياطة"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    client.get(f"/training/cohorts/{business.pk}/seats/", {"q": "خياطة"}, HTTP_HX_REQUEST="true")
    assert not CatalogueSearchMiss.objects.exists()


# --- The cohort page -------------------------------------------------------------------------------------------


def test_the_cohort_page_shows_the_programme_trainers_sessions_station_and_window(client, business):
    business.programme.prerequisites_ar = "معرفة أساسية بالحاسوب"
    business.programme.save()
    trainer = TrainerFactory(name_ar="ليلى حداد")
    business.trainers.add(trainer)
    # 14:00 UTC is 17:00 in Amman.
    TrainingSessionFactory(
        cohort=business,
        trainer=trainer,
        starts_at=dt.datetime(2026, 12, 6, 14, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 6, 16, 0, tzinfo=dt.UTC),
        room="قاعة 2",
    )
    response = client.get(f"/training/cohorts/{business.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "أساسيات ريادة الأعمال" in html and "كيف تبدأ مشروعك الصغير" in html
    assert "معرفة أساسية بالحاسوب" in html and "ليلى حداد" in html
    assert "17:00–19:00" in html and "قاعة 2" in html
    assert 'href="/stations/KS-AMM-03/"' in html
    assert 'aria-live="polite"' in html and 'hx-trigger="every 15s"' in html


def test_a_draft_cohort_is_not_found_by_the_public_but_a_finished_one_is(client, station_a):
    draft = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    done = CohortFactory(station=station_a, status=Cohort.Status.COMPLETED)
    assert client.get(f"/training/cohorts/{draft.pk}/").status_code == 404
    assert client.get(f"/training/cohorts/{draft.pk}/seats/").status_code == 404
    assert client.get(f"/training/cohorts/{done.pk}/").status_code == 200


def test_the_seats_fragment_is_cheap_and_answers_204_while_nothing_changed(
    client, business, django_assert_num_queries
):
    english(client)
    EnrolmentFactory(cohort=business)
    with django_assert_num_queries(SEATS_QUERIES):
        response = client.get(f"/training/cohorts/{business.pk}/seats/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "9 seats left" in html
    key = response.context["seats_key"]
    with django_assert_num_queries(SEATS_QUERIES):
        same = client.get(f"/training/cohorts/{business.pk}/seats/", {"shown": key})
    assert same.status_code == 204
    EnrolmentFactory(cohort=business)
    changed = client.get(f"/training/cohorts/{business.pk}/seats/", {"shown": key})
    assert changed.status_code == 200 and changed.context["cohort"].seats_left == 8
    assert f"shown={changed.context['seats_key']}" in changed.content.decode()


def test_a_full_cohort_says_so_and_offers_the_waitlist(client, citizen, station_a):
    english(client)
    cohort = CohortFactory(station=station_a, seats=1, status=Cohort.Status.FULL)
    EnrolmentFactory(cohort=cohort)
    client.force_login(citizen)
    html = client.get(f"/training/cohorts/{cohort.pk}/").content.decode()
    assert "The course is full." in html and "Join the waitlist" in html


# --- Enrolment from the page -----------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_asked_to_sign_in_and_comes_back(client, business):
    html = client.get(f"/training/cohorts/{business.pk}/").content.decode()
    assert f"/accounts/login/?next=/training/cohorts/{business.pk}/" in html
    response = client.post(f"/training/cohorts/{business.pk}/enrol/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=" in response["Location"]
    assert not Enrolment.objects.exists()


def test_a_citizen_enrols_and_sees_their_seat_then_cancels_it(client, citizen, business):
    english(client).force_login(citizen)
    response = client.post(f"/training/cohorts/{business.pk}/enrol/", follow=True)
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.ENROLLED and enrolment.citizen == citizen
    html = response.content.decode()
    assert response.context["place"].enrolment == enrolment
    assert "You have a seat in this course." in html
    assert f"/training/cohorts/{business.pk}/cancel/" in html

    confirm = client.get(f"/training/cohorts/{business.pk}/cancel/")
    assert confirm.status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED  # a GET only asks
    after = client.post(f"/training/cohorts/{business.pk}/cancel/", follow=True)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CANCELLED
    assert after.context["place"] is None


def test_a_citizen_on_a_full_cohort_is_told_their_waitlist_number(client, citizen, station_a):
    english(client)
    cohort = CohortFactory(station=station_a, seats=1)
    EnrolmentFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    client.force_login(citizen)
    response = client.post(f"/training/cohorts/{cohort.pk}/enrol/", follow=True)
    mine = Enrolment.objects.get(citizen=citizen)
    assert mine.status == Enrolment.Status.WAITLISTED
    texts = [str(m) for m in response.context["messages"]]
    assert any("number 2 on the waitlist" in t for t in texts)
    assert response.context["place"].position == 2
    assert "You are number 2 on the waitlist." in response.content.decode()


def _refused(client, cohort, expected: str) -> None:
    english(client)
    before = list(Enrolment.objects.order_by("id").values_list("id", "status"))
    response = client.post(f"/training/cohorts/{cohort.pk}/enrol/", follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any(expected in t for t in texts), texts
    assert list(Enrolment.objects.order_by("id").values_list("id", "status")) == before


def test_enrolling_twice_is_refused_with_the_reason(client, citizen, business):
    client.force_login(citizen)
    client.post(f"/training/cohorts/{business.pk}/enrol/")
    _refused(client, business, "already enrolled or on the waitlist")


def test_enrolling_outside_the_window_is_refused(client, citizen, station_a):
    client.force_login(citizen)
    later = CohortFactory(
        station=station_a,
        enrolment_opens=timezone.now() + dt.timedelta(days=2),
        enrolment_closes=timezone.now() + dt.timedelta(days=9),
    )
    _refused(client, later, "has not opened yet")
    closed = CohortFactory(
        station=station_a,
        enrolment_opens=timezone.now() - dt.timedelta(days=9),
        enrolment_closes=timezone.now() - dt.timedelta(days=1),
    )
    _refused(client, closed, "has closed")
    # The page itself offers no enrol button outside the window.
    assert "Sign in to enrol" not in client.get(f"/training/cohorts/{closed.pk}/").content.decode()


def test_enrolling_when_not_eligible_is_refused(client, business_owner, station_a):
    women = CohortFactory(station=station_a, gender="female")
    client.force_login(business_owner)
    _refused(client, women, "for women only")
    young = CohortFactory(station=station_a, min_age=16, max_age=24)
    young_citizen = citizen_user(birth_year=1960)
    client.force_login(young_citizen)
    _refused(client, young, "for ages 16 to 24")


def test_an_incomplete_profile_is_refused_with_a_link_to_the_profile(client, station_a):
    english(client)
    cohort = CohortFactory(station=station_a, min_age=18)
    no_profile = UserFactory(email="new@example.jo")
    client.force_login(no_profile)
    _refused(client, cohort, "complete your profile")
    no_year = CitizenProfileFactory(birth_year=None).user
    client.force_login(no_year)
    response = client.post(f"/training/cohorts/{cohort.pk}/enrol/", follow=True)
    html = response.content.decode()
    assert "add your year of birth" in html
    assert 'href="/me/profile/"' in html
    assert not Enrolment.objects.exists()


def test_cancelling_without_a_place_changes_nothing(client, citizen, business):
    english(client)
    other = EnrolmentFactory(cohort=business)
    client.force_login(citizen)
    response = client.post(f"/training/cohorts/{business.pk}/cancel/", follow=True)
    assert "no place in this course" in response.content.decode()
    other.refresh_from_db()
    assert other.status == Enrolment.Status.ENROLLED


def test_the_enrol_and_cancel_endpoints_refuse_get_and_drafts(client, citizen, station_a):
    draft = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    client.force_login(citizen)
    assert client.get(f"/training/cohorts/{draft.pk}/enrol/").status_code == 405
    assert client.post(f"/training/cohorts/{draft.pk}/enrol/").status_code == 404
    assert not Enrolment.objects.exists()


def test_the_navigation_offers_training_to_everyone(client, business):
    english(client)
    html = client.get("/").content.decode()
    assert 'href="/training/"' in html


def test_the_empty_state_points_to_the_needs_survey(client, business):
    html = english(client).get("/training/", {"q": "خياطة"}).content.decode()
    assert f'href="{reverse("training:needs_survey")}"' in html
    assert "Tell us what you need" in html


def test_staff_who_manage_the_cohort_see_a_link_to_its_staff_page(
    client, client_as, station_manager, manager_b, business
):
    staff_link = f'href="{reverse("training:staff_cohort", kwargs={"pk": business.pk})}"'
    assert staff_link in client_as(station_manager).get(f"/training/cohorts/{business.pk}/").content.decode()
    assert staff_link not in client_as(manager_b).get(f"/training/cohorts/{business.pk}/").content.decode()
    assert staff_link not in client.get(f"/training/cohorts/{business.pk}/").content.decode()


def test_a_citizen_holding_an_offer_sees_it_with_a_link_to_take_it(client, citizen, business):
    offer = EnrolmentFactory(
        cohort=business,
        citizen=citizen,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    english(client).force_login(citizen)
    html = client.get(f"/training/cohorts/{business.pk}/").content.decode()
    assert "A seat is offered to you." in html
    assert f'href="{reverse("training:offer", kwargs={"pk": offer.pk})}"' in html
