"""Training API (v1): the catalogue, the caller's own places (enrolment and the waitlist), and attendance.

One view per operation, explicit serializers; reads use the same selectors as the pages and writes go through the
same services, so the website and the API refuse the same things with the same translated messages.

- GET  /training/cohorts/                  the public catalogue (filters as on the website), seats left
- GET  /training/cohorts/{id}/             one cohort with its sessions
- POST /training/cohorts/{id}/enrol/       enrol the signed-in citizen: a seat or a waitlist place
- GET  /training/enrolments/               the caller's places (status, waitlist position, offer expiry)
- POST /training/enrolments/{id}/cancel/   give up a place (a freed seat is offered to the next person)
- POST /training/enrolments/{id}/accept/   take an offered seat; …/decline/ gives it up
- POST /training/enrolments/{id}/any-station/  also be offered a seat in the programme at any other station
- GET  /training/sessions/{id}/attendance/ the roster of a session (trainer or station staff)
- POST /training/sessions/{id}/attendance/ marks, one or many (a tablet syncing what it queued offline)
- POST /training/check-in/                 a citizen checks in with the code of the QR on the trainer's screen
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from mahatat.accounts.api import StaffMFARequired
from mahatat.core.api_errors import error_responses
from mahatat.core.api_pagination import PageNumberPagination
from mahatat.stations.api import MAX_ID

from .models import Attendance, Cohort, Enrolment, TargetGroup, Topic, TrainingSession
from .selectors import attendance as attendance_selectors
from .selectors import catalogue as catalogue_selectors
from .selectors.learners import enrolments_of
from .services import attendance as attendance_services
from .services import enrolment as enrolment_services
from .services import waitlist

MAX_MARKS = 200  # marks per request: a whole cohort several times over

# --- output ------------------------------------------------------------------------------------------------


class ProgrammeRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    title_ar = serializers.CharField(read_only=True)
    title_en = serializers.CharField(read_only=True)
    topic = serializers.ChoiceField(choices=Topic.choices, read_only=True)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), read_only=True
    )
    total_hours = serializers.IntegerField(read_only=True)
    min_attendance_percent = serializers.IntegerField(read_only=True)


class StationRefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name_ar = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True)


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    room = serializers.CharField(read_only=True)


class CohortSerializer(serializers.Serializer):
    """A cohort as the catalogue lists it."""

    id = serializers.IntegerField(read_only=True)
    programme = ProgrammeRefSerializer(read_only=True)
    station = StationRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=Cohort.Status.choices, read_only=True)
    language = serializers.CharField(read_only=True)
    seats = serializers.IntegerField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True, help_text=_("People on the waitlist."))
    starts_on = serializers.DateField(read_only=True, allow_null=True)
    ends_on = serializers.DateField(read_only=True, allow_null=True)
    enrolment_opens = serializers.DateTimeField(read_only=True)
    enrolment_closes = serializers.DateTimeField(read_only=True)
    gender = serializers.CharField(read_only=True, help_text=_("Empty: open to everyone."))
    min_age = serializers.IntegerField(read_only=True, allow_null=True)
    max_age = serializers.IntegerField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField(help_text=_("The cohort's public page."))

    def get_url(self, cohort: Cohort) -> str:
        return self.context["request"].build_absolute_uri(cohort.get_absolute_url())


class CohortDetailSerializer(CohortSerializer):
    sessions = SessionSerializer(many=True, read_only=True)


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    programme_title_ar = serializers.CharField(source="cohort.programme.title_ar", read_only=True)
    programme_title_en = serializers.CharField(source="cohort.programme.title_en", read_only=True)
    station = serializers.CharField(source="cohort.station.code", read_only=True)
    status = serializers.ChoiceField(choices=Enrolment.Status.choices, read_only=True)
    end_reason = serializers.CharField(read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text=_("1 for the next person to be offered a seat; null when not on the waitlist.")
    )
    offer_expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    any_station = serializers.BooleanField(read_only=True)
    outcome = serializers.ChoiceField(choices=Enrolment.Outcome.choices, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_waitlist_position(self, enrolment: Enrolment) -> int | None:
        if enrolment.status != Enrolment.Status.WAITLISTED:
            return None
        return int(getattr(enrolment, "ahead", 0)) + 1


class RosterRowSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(source="enrolment.pk", read_only=True)
    name = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("Empty when not marked yet."))
    method = serializers.CharField(read_only=True)


class CheckInResultSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk", read_only=True)
    status = serializers.CharField(source="attendance.status", read_only=True)
    already = serializers.BooleanField(
        read_only=True, help_text=_("True when the citizen had already checked in.")
    )


# --- input -------------------------------------------------------------------------------------------------


class CatalogueQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    station = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    governorate = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    topic = serializers.ChoiceField(choices=Topic.choices, required=False)
    group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    starts_from = serializers.DateField(required=False, help_text=_("First session on or after this date."))
    starts_to = serializers.DateField(required=False, help_text=_("First session on or before this date."))

    def filters(self) -> catalogue_selectors.CatalogueFilters:
        data = self.validated_data
        return catalogue_selectors.CatalogueFilters(
            q=data.get("q", "").strip(),
            station=str(data.get("station") or ""),
            governorate=str(data.get("governorate") or ""),
            topic=data.get("topic", ""),
            group=data.get("group", ""),
            starts_from=data["starts_from"].isoformat() if data.get("starts_from") else "",
            starts_to=data["starts_to"].isoformat() if data.get("starts_to") else "",
        )


class EnrolInputSerializer(serializers.Serializer):
    any_station = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("If the cohort is full: also be offered a seat in the programme at any other station."),
    )


class MarkSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=Attendance.Status.choices)


class MarksInputSerializer(serializers.Serializer):
    marks = serializers.ListField(child=MarkSerializer(), allow_empty=False, max_length=MAX_MARKS)


class CheckInInputSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    code = serializers.CharField(max_length=64)


# --- helpers -----------------------------------------------------------------------------------------------


def _service_call(call: Any) -> Any:
    """Run a service; its ValidationError becomes a 400 whose body carries the translated message and code."""
    try:
        return call()
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            {"non_field_errors": error.messages, "code": [str(getattr(error, "code", "") or "invalid")]}
        ) from None


def _own_enrolment(request: Request, pk: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("cohort__programme", "cohort__station")
        .filter(pk=pk, citizen_id=request.user.pk)
        .first()
        if pk <= MAX_ID
        else None
    )
    if enrolment is None:
        raise NotFound
    return enrolment


def _enrolment_data(request: Request, pk: int) -> dict[str, Any]:
    enrolment = enrolments_of(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if enrolment is None:
        raise NotFound
    return EnrolmentSerializer(enrolment, context={"request": request}).data


def _public_cohort(pk: int) -> Cohort:
    if pk > MAX_ID:
        raise NotFound
    cohort = (
        catalogue_selectors.with_seats(
            Cohort.objects.filter(status__in=catalogue_selectors.VISIBLE_STATUSES, pk=pk)
        )
        .select_related("programme", "station")
        .prefetch_related("sessions")
        .first()
    )
    if cohort is None:
        raise NotFound
    return cohort


ENROLMENT_ERRORS = error_responses(400, 401, 403, 404)


# --- catalogue ---------------------------------------------------------------------------------------------


class CohortListView(generics.GenericAPIView):
    """GET /api/v1/training/cohorts/: the public catalogue."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    pagination_class = PageNumberPagination
    filter_backends: list[type] = []
    serializer_class = CohortSerializer

    @extend_schema(
        operation_id="training_cohorts_list",
        summary=_("List courses"),
        description=_(
            "Cohorts open for enrolment, full (with a waitlist) or under way, searched and filtered as in the "
            "catalogue on the website, soonest first."
        ),
        tags=["training"],
        parameters=[CatalogueQuerySerializer],
        responses={200: CohortSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        query = CatalogueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cohorts: QuerySet[Cohort] = catalogue_selectors.catalogue(query.filters())
        page = self.paginate_queryset(cohorts)
        data = CohortSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class CohortDetailView(generics.GenericAPIView):
    """GET /api/v1/training/cohorts/{id}/: one cohort (drafts are not public)."""

    queryset = Cohort.objects.none()  # for the schema: the type of {pk}
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    filter_backends: list[type] = []
    serializer_class = CohortDetailSerializer

    @extend_schema(
        operation_id="training_cohorts_retrieve",
        summary=_("Show a course"),
        tags=["training"],
        responses={200: CohortDetailSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        cohort = _public_cohort(pk)
        return Response(CohortDetailSerializer(cohort, context={"request": request}).data)


# --- the caller's places -----------------------------------------------------------------------------------


class EnrolView(generics.GenericAPIView):
    """POST /api/v1/training/cohorts/{id}/enrol/"""

    queryset = Cohort.objects.none()  # for the schema: the type of {pk}
    permission_classes = [IsAuthenticated, StaffMFARequired]
    parser_classes = [JSONParser]
    serializer_class = EnrolInputSerializer

    @extend_schema(
        operation_id="training_cohorts_enrol",
        summary=_("Enrol in a course"),
        description=_(
            "A seat while seats remain, otherwise a place on the waitlist (status tells which). Refusals (already "
            "enrolled, outside the enrolment window, not eligible) answer 400 with the reason and a code, and "
            "change nothing."
        ),
        tags=["training"],
        request=EnrolInputSerializer,
        responses={201: EnrolmentSerializer, **ENROLMENT_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = EnrolInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cohort = _public_cohort(pk)
        enrolment = _service_call(
            lambda: enrolment_services.enrol(
                cohort_id=cohort.pk,
                citizen=request.user,  # type: ignore[arg-type]
                channel=Enrolment.Channel.API,
                any_station=data.validated_data["any_station"],
            )
        )
        return Response(_enrolment_data(request, enrolment.pk), status=status.HTTP_201_CREATED)


class MyEnrolmentsView(generics.GenericAPIView):
    """GET /api/v1/training/enrolments/"""

    permission_classes = [IsAuthenticated, StaffMFARequired]
    parser_classes = [JSONParser]
    pagination_class = PageNumberPagination
    filter_backends: list[type] = []
    serializer_class = EnrolmentSerializer

    @extend_schema(
        operation_id="training_enrolments_list",
        summary=_("My places in courses"),
        description=_("The caller's seats, offers, waitlist places (with their position) and ended places."),
        tags=["training"],
        responses={200: EnrolmentSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(enrolments_of(request.user))  # type: ignore[arg-type]
        data = EnrolmentSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


class _EnrolmentActionView(generics.GenericAPIView):
    queryset = Enrolment.objects.none()  # for the schema: the type of {pk}
    permission_classes = [IsAuthenticated, StaffMFARequired]
    parser_classes = [JSONParser]
    serializer_class = EnrolmentSerializer

    def act(self, request: Request, enrolment: Enrolment) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        enrolment = _own_enrolment(request, pk)
        _service_call(lambda: self.act(request, enrolment))
        return Response(_enrolment_data(request, enrolment.pk))


_ACTION_SCHEMA: dict[str, Any] = {"tags": ["training"], "request": None}


class CancelEnrolmentView(_EnrolmentActionView):
    """POST /api/v1/training/enrolments/{id}/cancel/"""

    @extend_schema(
        operation_id="training_enrolments_cancel",
        summary=_("Give up a place"),
        description=_("A freed seat is offered to the next person on the waitlist."),
        responses={200: EnrolmentSerializer, **ENROLMENT_ERRORS},
        **_ACTION_SCHEMA,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, enrolment: Enrolment) -> None:
        enrolment_services.cancel(enrolment=enrolment, by=request.user)  # type: ignore[arg-type]


class AcceptOfferView(_EnrolmentActionView):
    """POST /api/v1/training/enrolments/{id}/accept/"""

    @extend_schema(
        operation_id="training_enrolments_accept_offer",
        summary=_("Take an offered seat"),
        description=_("Refused once the offer has expired, even if it has not been passed on yet."),
        responses={200: EnrolmentSerializer, **ENROLMENT_ERRORS},
        **_ACTION_SCHEMA,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, enrolment: Enrolment) -> None:
        waitlist.accept_offer(enrolment=enrolment)


class DeclineOfferView(_EnrolmentActionView):
    """POST /api/v1/training/enrolments/{id}/decline/"""

    @extend_schema(
        operation_id="training_enrolments_decline_offer",
        summary=_("Decline an offered seat"),
        responses={200: EnrolmentSerializer, **ENROLMENT_ERRORS},
        **_ACTION_SCHEMA,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, enrolment: Enrolment) -> None:
        waitlist.decline_offer(enrolment=enrolment)


class AnyStationView(_EnrolmentActionView):
    """POST /api/v1/training/enrolments/{id}/any-station/"""

    @extend_schema(
        operation_id="training_enrolments_any_station",
        summary=_("Accept a seat at any station"),
        description=_(
            "For a waitlist place: also be offered a seat in the same programme at any other station, nearest "
            "first. If a seat is free somewhere now, it is offered at once."
        ),
        responses={200: EnrolmentSerializer, **ENROLMENT_ERRORS},
        **_ACTION_SCHEMA,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, enrolment: Enrolment) -> None:
        waitlist.ask_for_any_station(enrolment=enrolment)


# --- attendance --------------------------------------------------------------------------------------------


def _session_for(request: Request, pk: int) -> TrainingSession:
    session = attendance_selectors.session_for_attendance(pk) if pk <= MAX_ID else None
    if session is None:
        raise NotFound
    if not request.user.has_perm("training.take_attendance", session.cohort):
        raise PermissionDenied
    return session


class SessionAttendanceView(generics.GenericAPIView):
    """GET/POST /api/v1/training/sessions/{id}/attendance/"""

    queryset = TrainingSession.objects.none()  # for the schema: the type of {pk}
    permission_classes = [IsAuthenticated, StaffMFARequired]
    parser_classes = [JSONParser]
    serializer_class = MarksInputSerializer

    @extend_schema(
        operation_id="training_sessions_attendance_list",
        summary=_("A session's roster"),
        description=_(
            "Everyone holding a seat in the session's cohort, with their mark (empty when not marked)."
        ),
        tags=["training"],
        responses={200: RosterRowSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        session = _session_for(request, pk)
        rows = attendance_selectors.roster_rows(session)
        return Response(RosterRowSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="training_sessions_attendance_mark",
        summary=_("Record attendance"),
        description=_(
            "One or many marks; the last mark for a person wins, so a tablet may resend what it queued while "
            "offline. All marks are recorded or, if one is refused, none; the error names the mark."
        ),
        tags=["training"],
        request=MarksInputSerializer,
        responses={200: RosterRowSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        session = _session_for(request, pk)
        data = MarksInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marks = data.validated_data["marks"]
        enrolments = Enrolment.objects.filter(
            cohort_id=session.cohort_id, pk__in=[m["enrolment"] for m in marks]
        ).in_bulk()
        with transaction.atomic():
            for index, item in enumerate(marks):
                enrolment = enrolments.get(item["enrolment"])
                try:
                    if enrolment is None:
                        raise DjangoValidationError(
                            _("This person is not in this session's course."), code="wrong_cohort"
                        )
                    attendance_services.mark(
                        session=session,
                        enrolment=enrolment,
                        status=item["status"],
                        by=request.user,  # type: ignore[arg-type]
                    )
                except DjangoValidationError as error:
                    errors: list[dict[str, Any]] = [{} for _ in marks]
                    errors[index] = {"enrolment": error.messages}
                    raise serializers.ValidationError({"marks": errors}) from None
        rows = attendance_selectors.roster_rows(session)
        return Response(RosterRowSerializer(rows, many=True).data)


class CheckInView(generics.GenericAPIView):
    """POST /api/v1/training/check-in/"""

    permission_classes = [IsAuthenticated, StaffMFARequired]
    parser_classes = [JSONParser]
    serializer_class = CheckInInputSerializer

    @extend_schema(
        operation_id="training_check_in",
        summary=_("Check in to a session"),
        description=_(
            "With the code of the QR on the trainer's screen (it changes every 30 seconds). Expired, forged or "
            "other sessions' codes are refused; a second check-in counts once."
        ),
        tags=["training"],
        request=CheckInInputSerializer,
        responses={200: CheckInResultSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request) -> Response:
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = _service_call(
            lambda: attendance_services.check_in(
                session_id=data.validated_data["session"],
                code=data.validated_data["code"],
                citizen=request.user,  # type: ignore[arg-type]
            )
        )
        return Response(CheckInResultSerializer(result).data)
