"""Template helpers used across apps: localized fields, Hijri dates, query strings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import QueryDict

from mahatat.core import dates
from mahatat.core.models import localized as _localized

register = template.Library()


@register.filter
def localized(obj: object, field: str) -> str:
    """{{ station|localized:"address" }} gives address_en or address_ar for the active language."""
    return _localized(obj, field)


@register.filter
def hijri(value: dt.date | dt.datetime | None) -> str:
    return dates.hijri(value) if value else ""


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters changed (used by pagination links)."""
    request = context["request"]
    query: QueryDict = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
