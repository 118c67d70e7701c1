from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from mahatat.core import dates


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "today": dates.local_today(),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
