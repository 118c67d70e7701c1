"""The OpenAPI schema, the docs page, and schemathesis fuzzing every operation of /api/v1/schema/.

The fuzzer calls the Django WSGI application in-process (same thread, same test database), anonymously and with
a citizen's token, with schema-valid and schema-invalid input. Every response must not be a server error, must
have a documented status code and content type, and must match its documented schema.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mahatat.stations.models import HoursException, PublicHoliday, StationService

from .factories import StationFactory
from .training_factories import CohortFactory, TrainingSessionFactory

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = {
    "GET /api/v1/stations/",
    "GET /api/v1/stations/{code}/",
    "GET /api/v1/me/",
    "PATCH /api/v1/me/",
    "POST /api/v1/auth/token/",
    "DELETE /api/v1/auth/token/",
    "GET /api/v1/training/cohorts/",
    "GET /api/v1/training/cohorts/{id}/",
    "POST /api/v1/training/cohorts/{id}/enrol/",
    "GET /api/v1/training/enrolments/",
    "POST /api/v1/training/enrolments/{id}/cancel/",
    "POST /api/v1/training/enrolments/{id}/accept/",
    "POST /api/v1/training/enrolments/{id}/decline/",
    "POST /api/v1/training/enrolments/{id}/any-station/",
    "GET /api/v1/training/sessions/{id}/attendance/",
    "POST /api/v1/training/sessions/{id}/attendance/",
    "POST /api/v1/training/check-in/",
}
EXAMPLES = 25


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_fuzzing(settings, monkeypatch):  # type: ignore[no-untyped-def]
    """Every token request hashes a password (Argon2, about a second here): hash fast while fuzzing, and lift the
    token throttles so the fuzzer reaches the credential checks instead of 429 (tested in test_api_token.py)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "auth_token": "10000/min", "auth_token_login": "10000/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def stations(station_a, station_b):  # type: ignore[no-untyped-def]
    """Enough data for the responses to have every part: services, partners, exceptions, holidays."""
    from mahatat.core.dates import local_today

    today = local_today()
    for station in (station_a, station_b):
        station.services.set(StationService.objects.all()[:2])
    HoursException.objects.create(station=station_a, date=today, closed=True, reason_ar="صيانة")
    PublicHoliday.objects.create(date=today, name_ar="عطلة", name_en="Holiday")
    StationFactory(code="KS-AMM-20", area=None, phone="+96265000000", email="ks20@example.jo")
    # Courses with sessions, so the training operations have something to list, enrol in and mark.
    for station in (station_a, station_b):
        cohort = CohortFactory(station=station, seats=2)
        TrainingSessionFactory(cohort=cohort)
    return [station_a, station_b]


@pytest.fixture
def api_schema(db):  # type: ignore[no-untyped-def]
    # Like Django's test client: the test's database connection must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(
    schema, *, headers: dict[str, str] | None = None, skip: frozenset[str] = frozenset()
) -> Counter[str]:  # type: ignore[no-untyped-def]
    """Call every operation with generated input, positive and negative; return the calls made per operation."""
    calls: Counter[str] = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def call(case) -> None:  # type: ignore[no-untyped-def]
                response = case.call(headers=headers)
                calls[case.operation.label, response.status_code] += 1
                case.validate_response(response, checks=CHECKS, headers=headers)

            try:
                call()
            except Unsatisfiable:  # no parameter and no body: nothing to make invalid
                if mode is GenerationMode.POSITIVE:
                    raise
    return calls


def test_schema_lists_every_operation_with_its_errors(client, db):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    found = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    assert found == OPERATIONS
    operations = {
        f"{method.upper()} {path}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert {"401", "403"} <= set(operations["PATCH /api/v1/me/"]["responses"])
    assert {"400", "429"} <= set(operations["POST /api/v1/auth/token/"]["responses"])
    assert "404" in operations["GET /api/v1/stations/{code}/"]["responses"]
    assert {op["operationId"] for op in operations.values()} == {
        "stations_list",
        "stations_retrieve",
        "me_retrieve",
        "me_partial_update",
        "auth_token_create",
        "auth_token_destroy",
        "training_cohorts_list",
        "training_cohorts_retrieve",
        "training_cohorts_enrol",
        "training_enrolments_list",
        "training_enrolments_cancel",
        "training_enrolments_accept_offer",
        "training_enrolments_decline_offer",
        "training_enrolments_any_station",
        "training_sessions_attendance_list",
        "training_sessions_attendance_mark",
        "training_check_in",
    }
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


class _AssetCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


def test_docs_page_loads_nothing_from_the_internet(client, db):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    collector = _AssetCollector()
    collector.feed(html)
    assert len(collector.urls) >= 4  # favicon, css, two scripts
    for url in collector.urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among the static files"
    assert not re.search(r"""["'(](https?:)?//""", html), "an absolute URL in the docs page"
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call validator.swagger.io
    assert "/api/v1/schema/" in html


def per_operation(calls: Counter[tuple[str, int]]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for (label, _status), n in calls.items():
        totals[label] += n
    return totals


def test_fuzzing_the_api_anonymously_finds_no_error(api_schema, stations):
    calls = fuzz(api_schema)

    totals = per_operation(calls)
    assert set(totals) == OPERATIONS
    assert all(n >= EXAMPLES for n in totals.values()), calls
    assert calls["GET /api/v1/stations/", 200] and calls["GET /api/v1/stations/", 400]
    assert calls["GET /api/v1/me/", 401] and calls["PATCH /api/v1/me/", 401]
    assert calls["POST /api/v1/auth/token/", 400]


def test_fuzzing_the_api_as_a_citizen_finds_no_error(api_schema, stations, citizen):
    token = Token.objects.create(user=citizen)
    headers = {"Authorization": f"Token {token.key}"}

    # Revoking the token would end the run early: DELETE is fuzzed anonymously above and tested in test_api_token.
    calls = fuzz(api_schema, headers=headers, skip=frozenset({"DELETE /api/v1/auth/token/"}))

    totals = per_operation(calls)
    assert set(totals) == OPERATIONS - {"DELETE /api/v1/auth/token/"}
    assert totals["PATCH /api/v1/me/"] >= 2 * EXAMPLES
    assert calls["PATCH /api/v1/me/", 200] and calls["PATCH /api/v1/me/", 400], calls  # both paths reached
    assert calls["GET /api/v1/me/", 200] >= EXAMPLES
    assert Token.objects.filter(key=token.key).exists()
    # The citizen is still whole after all that: a profile, one account.
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=headers["Authorization"])
    assert me.status_code == 200
    assert me.json()["citizen_profile"] is not None
