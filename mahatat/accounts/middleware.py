"""Per-request account rules: the user's preferred language, and MFA before any staff page."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .scope import is_staff_member

# Paths a staff user without MFA may still open: setting MFA up, signing out, switching language, assets.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/media/", "/healthz", "/favicon")


class PreferredLanguageMiddleware:
    """Without a language cookie, a signed-in user gets the language saved in their preferences."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


MFA_SESSION_KEY = "mahatat_mfa_enrolled"


def has_totp(request: HttpRequest) -> bool:
    """Whether the signed-in user has TOTP; remembered in the session once true, so pages pay no query."""
    if request.session.get(MFA_SESSION_KEY):
        return True
    enrolled = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    if enrolled:
        request.session[MFA_SESSION_KEY] = True
    return enrolled


class StaffMFARequiredMiddleware:
    """A staff user without TOTP is sent to set it up before any other page opens (API calls get 403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and is_staff_member(user)  # type: ignore[arg-type]
            and not has_totp(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication before using staff features.")}, status=403
                )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)
