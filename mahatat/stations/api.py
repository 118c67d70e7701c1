"""Stations API (v1): the public list and the station detail. One view per operation, explicit serializers.

Both reads load every row they show through `selectors.stations_with_hours` and the next two weeks' public
holidays, so the list makes the same number of queries whatever the number of stations on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from mahatat.core.api_errors import error_responses
from mahatat.core.api_pagination import PageNumberPagination

from . import selectors
from .models import Area, Governorate, Municipality, Partner, PublicHoliday, Station, StationService
from .opening_hours import DaySchedule, WeekRow, weekly_table

# A station code as the model allows it; anything else cannot name a station and is answered 404 without a query.
CODE_PATTERN = r"^[A-Z0-9-]{1,20}$"
_CODE = re.compile(r"[A-Z0-9-]{1,20}")  # used with fullmatch: `$` would let a trailing line break through
MAX_ID = 2**31 - 1
PUBLIC_STATUSES = [
    (value, label) for value, label in Station.Status.choices if value != Station.Status.CLOSED
]


# --- output ------------------------------------------------------------------------------------------------


class GovernorateRefSerializer(serializers.ModelSerializer[Governorate]):
    class Meta:
        model = Governorate
        fields = ["id", "iso_code", "name_ar", "name_en"]
        ref_name = "GovernorateRef"


class MunicipalityRefSerializer(serializers.ModelSerializer[Municipality]):
    class Meta:
        model = Municipality
        fields = ["id", "code", "name_ar", "name_en"]
        ref_name = "MunicipalityRef"


class AreaRefSerializer(serializers.ModelSerializer[Area]):
    class Meta:
        model = Area
        fields = ["id", "number", "name_ar", "name_en"]
        ref_name = "AreaRef"


class ServiceRefSerializer(serializers.ModelSerializer[StationService]):
    class Meta:
        model = StationService
        fields = ["code", "name_ar", "name_en"]
        ref_name = "StationServiceRef"


class PartnerRefSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["code", "name_ar", "name_en"]
        ref_name = "PartnerRef"


class StationSerializer(serializers.Serializer):
    """A station as the public directory lists it."""

    code = serializers.CharField(read_only=True)
    name_ar = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES, read_only=True)
    governorate = GovernorateRefSerializer(read_only=True)
    area = AreaRefSerializer(read_only=True, allow_null=True)
    address_ar = serializers.CharField(read_only=True)
    address_en = serializers.CharField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    phone = serializers.CharField(
        read_only=True, help_text=_("E.164, e.g. +96265000000; empty when unknown.")
    )
    email = serializers.CharField(read_only=True)
    services = ServiceRefSerializer(many=True, read_only=True)
    open_now = serializers.BooleanField(
        source="open_status.is_open", read_only=True, help_text=_("Open at this moment, in Asia/Amman time.")
    )
    url = serializers.SerializerMethodField(help_text=_("The station's public page."))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, station: Station) -> str:
        return self.context["request"].build_absolute_uri(station.get_absolute_url())


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "08:00"})
class ClockTimeField(serializers.TimeField):
    """A time of day in Amman as people read it: HH:MM (24 hours)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)


class PeriodSerializer(serializers.Serializer):
    opens = ClockTimeField(read_only=True)
    closes = ClockTimeField(read_only=True)


class WeekdayHoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(read_only=True, help_text=_("ISO weekday: Monday=1 … Sunday=7."))
    name = serializers.CharField(
        read_only=True, source="label", help_text=_("The day's name, in the user's language.")
    )
    periods = serializers.SerializerMethodField(help_text=_("Opening periods; none means closed that day."))

    @extend_schema_field(PeriodSerializer(many=True))
    def get_periods(self, row: WeekRow) -> Any:
        return PeriodSerializer([{"opens": o, "closes": c} for o, c in row.periods], many=True).data


class SpecialDaySerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    closed = serializers.BooleanField(read_only=True)
    periods = serializers.SerializerMethodField(help_text=_("The hours kept that day; none when closed."))
    note = serializers.CharField(
        read_only=True, help_text=_("The holiday or the reason, in the user's language.")
    )

    @extend_schema_field(PeriodSerializer(many=True))
    def get_periods(self, day: DaySchedule) -> Any:
        return PeriodSerializer([{"opens": o, "closes": c} for o, c in day.periods], many=True).data


class StationDetailSerializer(StationSerializer):
    """A station with its week, the next two weeks' holidays and exceptions, and what it offers."""

    municipality = MunicipalityRefSerializer(read_only=True)
    landmark_ar = serializers.CharField(read_only=True)
    landmark_en = serializers.CharField(read_only=True)
    description_ar = serializers.CharField(read_only=True)
    description_en = serializers.CharField(read_only=True)
    capacity = serializers.IntegerField(read_only=True)
    partners = PartnerRefSerializer(many=True, read_only=True)
    closes_at = ClockTimeField(source="open_status.closes_at", read_only=True, allow_null=True)
    next_opening = serializers.DateTimeField(
        source="open_status.next_opening", read_only=True, allow_null=True
    )
    weekly_hours = WeekdayHoursSerializer(many=True, read_only=True)
    special_days = SpecialDaySerializer(
        many=True, read_only=True, help_text=_("Holidays and days with other hours in the next two weeks.")
    )


# --- input -------------------------------------------------------------------------------------------------


class StationListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_(
            "Search in Arabic or English; hamza forms, taa marbuta, alif maqsura and diacritics are ignored."
        ),
    )
    governorate = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text=_("A governorate id or its ISO 3166-2 code, e.g. JO-AM."),
    )
    area = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=_("An area id."))
    status = serializers.ChoiceField(choices=PUBLIC_STATUSES, required=False)
    service = serializers.SlugField(
        required=False, max_length=40, help_text=_("A service code: only stations that offer it.")
    )


@dataclass(frozen=True)
class StationListFilters:
    q: str = ""
    governorate: str = ""
    area: int | None = None
    status: str = ""
    service: str = ""

    def apply(self, queryset: QuerySet[Station]) -> QuerySet[Station]:
        qs = queryset.search(self.q)  # type: ignore[attr-defined]
        if self.governorate.isdecimal():
            qs = qs.filter(governorate_id=int(self.governorate)) if len(self.governorate) <= 9 else qs.none()
        elif self.governorate:
            qs = qs.filter(governorate__iso_code__iexact=self.governorate)
        if self.area is not None:
            qs = qs.filter(area_id=self.area)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.service:
            qs = qs.filter(services__code=self.service)
        return qs


# --- views -------------------------------------------------------------------------------------------------


def _with_open_status(stations: list[Station], holidays: list[PublicHoliday]) -> list[Station]:
    for station in stations:
        station.open_status = selectors.status_for(station, holidays)  # type: ignore[attr-defined]
    return stations


class StationListView(generics.GenericAPIView):
    """GET /api/v1/stations/: the public directory (closed stations are not listed)."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    pagination_class = PageNumberPagination
    filter_backends: list[type] = []  # filters are the explicit query serializer below
    serializer_class = StationSerializer

    @extend_schema(
        operation_id="stations_list",
        summary=_("List stations"),
        description=_(
            "The public station directory, filtered and searched as on the website. Closed stations are not listed."
        ),
        tags=["stations"],
        parameters=[StationListQuerySerializer],
        responses={200: StationSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        query = StationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = StationListFilters(**{k: v for k, v in query.validated_data.items() if v is not None})
        queryset = selectors.stations_with_hours(filters.apply(Station.objects.public())).order_by("code")
        page = self.paginate_queryset(queryset)
        stations = _with_open_status(list(page or []), selectors.upcoming_holidays())
        data = StationSerializer(stations, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class StationDetailView(generics.GenericAPIView):
    """GET /api/v1/stations/{code}/: one public station with its hours."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    filter_backends: list[type] = []
    serializer_class = StationDetailSerializer

    @extend_schema(
        operation_id="stations_retrieve",
        summary=_("Show a station"),
        description=_(
            "A station with its weekly hours, whether it is open now, and the next two weeks' holidays and days "
            "with other hours."
        ),
        tags=["stations"],
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("The station code, e.g. KS-AMM-03."),
                pattern=CODE_PATTERN,
            )
        ],
        responses={200: StationDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, code: str) -> Response:
        if not _CODE.fullmatch(code):
            raise NotFound
        station = (
            selectors.stations_with_hours(Station.objects.public())
            .prefetch_related("partners")
            .filter(code=code)
            .first()
        )
        if station is None:
            raise NotFound
        holidays = selectors.upcoming_holidays()
        station.open_status = selectors.status_for(station, holidays)  # type: ignore[attr-defined]
        station.weekly_hours = weekly_table(station.opening_hours.all())  # type: ignore[attr-defined]
        station.special_days = selectors.upcoming_special_days(station, holidays)  # type: ignore[attr-defined]
        return Response(StationDetailSerializer(station, context={"request": request}).data)
