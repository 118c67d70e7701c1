"""The public needs survey: what training people want, at which station, at which times."""

from __future__ import annotations

from mahatat.accounts.models import User
from mahatat.stations.models import Station

from ..models import NeedsSurveyResponse, Programme, TimeOfDay


def record_needs(
    *,
    station: Station,
    topic: str,
    times: list[str],
    programme: Programme | None = None,
    wish: str = "",
    citizen: User | None = None,
) -> NeedsSurveyResponse:
    clean_times = [t for t in TimeOfDay.values if t in set(times)]
    return NeedsSurveyResponse.objects.create(
        station=station,
        topic=programme.topic if programme is not None else topic,
        programme=programme,
        wish=wish.strip()[:300],
        times=clean_times,
        citizen=citizen,
    )
