"""API errors: validation problems become 400 with field errors, never 500, and every error is documented.

Django's own ValidationError (raised by model validators or services) is turned into a DRF 400 so that a
service can validate once and serve both the forms and the API. `error_responses(...)` gives the OpenAPI
description of the error bodies, for `extend_schema(responses=...)`, so that the schema says what a client
(or a fuzzer checking conformance) will really receive.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


# The body of every error that is not a validation error: {"detail": "..."} in the user's language.
ErrorDetailSerializer = inline_serializer(
    name="ErrorDetail",
    fields={"detail": serializers.CharField(help_text=_("What went wrong, in the user's language."))},
)

_DESCRIPTIONS = {
    400: _(
        "Invalid input. The body maps each field (or non_field_errors) to a list of messages in the user's "
        "language; a nested object's errors are nested the same way."
    ),
    401: _("Not signed in: send a session cookie or an `Authorization: Token <key>` header."),
    403: _("Not allowed, for example a staff session without two-factor authentication set up."),
    404: _("Not found."),
    429: _("Too many requests: wait and try again (see the Retry-After header)."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error status codes, for extend_schema(responses={...})."""
    responses = {}
    for code in codes:
        schema: Any = OpenApiTypes.OBJECT if code == 400 else ErrorDetailSerializer
        responses[code] = OpenApiResponse(response=schema, description=_DESCRIPTIONS[code])
    return responses
