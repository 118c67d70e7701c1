"""django-axes: whose failed sign-ins are counted together.

allauth authenticates with `email=` or `phone=` (not `username=`), and a mobile number can be typed in many forms
(079..., +962 79..., Arabic digits). Axes counts failures per login and address; this gives it one key per
account whatever the spelling, so five wrong passwords lock that login from that address, and nobody else at a
station's shared connection is locked out with it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .identity import normalize_jordan_mobile


def login_identifier(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    credentials = credentials or {}
    value = (
        credentials.get("email")
        or credentials.get("phone")
        or credentials.get("username")
        or credentials.get("login")
        or (request.POST.get("login") if request is not None and request.method == "POST" else None)
    )
    if not value:
        return None
    value = str(value).strip()
    if "@" in value:
        return value.lower()
    phone = normalize_jordan_mobile(value)
    return phone or value
