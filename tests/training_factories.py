"""factory_boy factories for the training models."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mahatat.training.models import Cohort, Enrolment, Programme, Topic, Trainer, TrainingSession

from .factories import CitizenProfileFactory, StationFactory


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"digital-skills-{n}")
    title_ar = "المهارات الرقمية"
    title_en = "Digital skills"
    topic = Topic.DIGITAL_SKILLS
    total_hours = 20


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    station = factory.SubFactory(StationFactory)
    seats = 10
    status = Cohort.Status.OPEN
    enrolment_opens = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    enrolment_closes = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class TrainerFactory(DjangoModelFactory):
    class Meta:
        model = Trainer

    name_ar = factory.Sequence(lambda n: f"المدرب {n}")
    name_en = factory.Sequence(lambda n: f"Trainer {n}")
    topics = factory.LazyFunction(lambda: [Topic.DIGITAL_SKILLS])


class TrainingSessionFactory(DjangoModelFactory):
    """A two-hour session starting a day from now. Bypasses the overlap check: use the schedule service to test it."""

    class Meta:
        model = TrainingSession

    cohort = factory.SubFactory(CohortFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + dt.timedelta(hours=2))
    room = "Lab 1"


def citizen_user(**profile: object):  # type: ignore[no-untyped-def]
    """A citizen account with a profile (female, born 1998 unless told otherwise)."""
    return CitizenProfileFactory(**profile).user


class EnrolmentFactory(DjangoModelFactory):
    """A seat, written directly. Use services.enrolment.enrol to test enrolment itself."""

    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    citizen = factory.LazyFunction(citizen_user)
    status = Enrolment.Status.ENROLLED
