"""Geography (governorates, municipalities, areas) and the Knowledge Stations with their hours and holidays."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mahatat.core.arabic_text import build_index, search_terms
from mahatat.core.models import BilingualNameMixin, TimeStampedModel


class Region(models.TextChoices):
    NORTH = "north", _("North")
    CENTRE = "centre", _("Centre")
    SOUTH = "south", _("South")


class Governorate(BilingualNameMixin):
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")


class Municipality(BilingualNameMixin):
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("governorate")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class Area(BilingualNameMixin):
    """An area (منطقة) of a municipality: GAM has 22. Stations outside Amman may have none."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="areas", verbose_name=_("municipality")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("population year"), null=True, blank=True)

    class Meta:
        ordering = ["municipality", "number"]
        constraints = [models.UniqueConstraint(fields=["municipality", "number"], name="area_unique_number")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class Partner(BilingualNameMixin):
    """An organisation that runs or supports stations: GAM, NITC, and others."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")


class StationService(BilingualNameMixin):
    """A kind of service a station offers (training, co-working, public PCs, e-government help, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("station service")
        verbose_name_plural = _("station services")


class StationQuerySet(models.QuerySet["Station"]):
    def public(self) -> StationQuerySet:
        """Stations the public directory lists: all but closed ones."""
        return self.exclude(status=Station.Status.CLOSED)

    def in_governorate(self, governorate_id: int | str | None) -> StationQuerySet:
        return self.filter(governorate_id=governorate_id) if governorate_id else self

    def in_area(self, area_id: int | str | None) -> StationQuerySet:
        return self.filter(area_id=area_id) if area_id else self

    def search(self, query: str | None) -> StationQuerySet:
        """Arabic-aware search: every folded term of the query must appear in the folded index."""
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_index__contains=term)
        return qs

    def with_geography(self) -> StationQuerySet:
        return self.select_related("governorate", "municipality", "area")

    def active(self) -> StationQuerySet:
        return self.filter(status=Station.Status.ACTIVE)


class Station(TimeStampedModel, BilingualNameMixin):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        REHABILITATION = "rehabilitation", _("Under rehabilitation")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        CLOSED = "closed", _("Closed")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9-]+$", _("Use capital Latin letters, digits and dashes."))],
        help_text=_("For example KS-AMM-01."),
    )
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, related_name="stations", verbose_name=_("governorate")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="stations", verbose_name=_("municipality")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="stations", verbose_name=_("area"), null=True, blank=True
    )
    address_ar = models.CharField(_("address (Arabic)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    landmark_ar = models.CharField(_("landmark (Arabic)"), max_length=200, blank=True)
    landmark_en = models.CharField(_("landmark (English)"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A postal code has 5 digits."))],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(29), MaxValueValidator(34)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(34), MaxValueValidator(40)],
    )
    phone = models.CharField(
        _("phone"),
        max_length=16,
        blank=True,
        validators=[RegexValidator(r"^\+962\d{8,9}$", _("Enter the number in the form +9626XXXXXXX."))],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    partners = models.ManyToManyField(
        Partner, related_name="stations", blank=True, verbose_name=_("partners")
    )
    services = models.ManyToManyField(
        StationService, related_name="stations", blank=True, verbose_name=_("services")
    )
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"), default=0)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="stations/photos/", blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    search_index = models.TextField(editable=False, blank=True)

    history = HistoricalRecords(excluded_fields=["search_index", "updated_at"])
    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["status", "governorate"], name="station_status_gov_idx"),
            models.Index(fields=["area"], name="station_area_idx"),
        ]
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_index = self.build_search_index()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_index"}
        super().save(*args, **kwargs)

    def build_search_index(self) -> str:
        parts = [self.code, self.name_ar, self.name_en, self.address_ar, self.address_en]
        parts += [self.landmark_ar, self.landmark_en]
        for place in (self.area, self.municipality, self.governorate):
            if place is not None:
                parts += [place.name_ar, place.name_en]
        return build_index(*parts)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("stations:detail", kwargs={"code": self.code})

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Weekday(models.IntegerChoices):
    """ISO weekday numbers (Monday=1 ... Sunday=7), as datetime.date.isoweekday() gives them."""

    SUNDAY = 7, _("Sunday")
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")


# The Jordanian working week, in the order a week is shown.
WEEK_ORDER = [7, 1, 2, 3, 4, 5, 6]
WORKING_DAYS = [7, 1, 2, 3, 4]


class OpeningHours(models.Model):
    """A period a station is open on a weekday. A day may have several periods; a day with none is closed."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["station", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="hours_close_after_open"),
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursException(models.Model):
    """A date on which a station keeps other hours (closed, or open at other times), e.g. Ramadan days."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours_exceptions")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=False)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    reason_ar = models.CharField(_("reason (Arabic)"), max_length=200, blank=True)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["station", "date"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="hours_exception_unique_date"),
            models.CheckConstraint(
                condition=Q(closed=True)
                | Q(opens__isnull=False, closes__isnull=False, closes__gt=models.F("opens")),
                name="hours_exception_closed_or_times",
            ),
        ]
        verbose_name = _("hours exception")
        verbose_name_plural = _("hours exceptions")

    def __str__(self) -> str:
        return f"{self.station.code} {self.date}"


class PublicHolidayQuerySet(models.QuerySet["PublicHoliday"]):
    def applying_to(self, station: Station) -> PublicHolidayQuerySet:
        return self.filter(Q(governorate__isnull=True) | Q(governorate_id=station.governorate_id))

    def between(self, start: dt.date, end: dt.date) -> PublicHolidayQuerySet:
        return self.filter(date__gte=start, date__lte=end)


class PublicHoliday(models.Model):
    """A public holiday, entered as data (Islamic holidays move with the moon). Blank governorate = national."""

    date = models.DateField(_("date"))
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    governorate = models.ForeignKey(
        Governorate, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("governorate only")
    )

    history = HistoricalRecords()
    objects = PublicHolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        indexes = [models.Index(fields=["date"], name="holiday_date_idx")]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name_ar}"
