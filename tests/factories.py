"""factory_boy factories for the platform's models. Reference geography comes from the data migration."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from mahatat.accounts.models import CitizenProfile, User
from mahatat.stations.models import Area, Governorate, Municipality, OpeningHours, Station

DEFAULT_PASSWORD = "Correct-Horse-9"


def amman() -> Governorate:
    return Governorate.objects.get(iso_code="JO-AM")


def gam() -> Municipality:
    return Municipality.objects.get(code="gam")


def gam_area(number: int) -> Area:
    return Area.objects.get(municipality__code="gam", number=number)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jo")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        if create:
            instance.save()


class CitizenProfileFactory(DjangoModelFactory):
    class Meta:
        model = CitizenProfile

    user = factory.SubFactory(UserFactory)
    name_ar = "سارة أحمد الخطيب"
    name_en = "Sara Ahmad Al-Khatib"
    gender = "female"
    birth_year = 1998


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"KS-T-{n:03d}")
    name_ar = factory.Sequence(lambda n: f"محطة المعرفة {n}")
    name_en = factory.Sequence(lambda n: f"Knowledge Station {n}")
    governorate = factory.LazyFunction(amman)
    municipality = factory.LazyFunction(gam)
    area = factory.LazyFunction(lambda: gam_area(3))
    address_ar = "شارع الملك عبدالله الثاني"
    address_en = "King Abdullah II Street"
    status = Station.Status.ACTIVE
    latitude = 31.97
    longitude = 35.95

    @factory.post_generation
    def weekday_hours(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if not create or extracted is False:
            return
        for weekday in (7, 1, 2, 3, 4):
            OpeningHours.objects.create(station=self, weekday=weekday, opens=dt.time(8), closes=dt.time(16))
