"""Per-request account rules: the user's preferred language, and MFA before any staff page."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
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
MFA_PAGES_PREFIX = "/accounts/2fa/"
MFA_NEXT_SESSION_KEY = "mahatat_mfa_next"


def has_totp(request: HttpRequest) -> bool:
    """Whether the signed-in user has TOTP; remembered in the session once true, so pages pay no query.

    Any change made on the two-factor pages (deactivating the app, for one) forgets what was remembered,
    so a staff member who turns TOTP off is sent to set it up again on the next staff page.
    """
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
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.path.startswith(MFA_EXEMPT_PREFIXES):
            if request.method == "POST" and request.path.startswith(MFA_PAGES_PREFIX):
                request.session.pop(MFA_SESSION_KEY, None)
            return self.get_response(request)
        if is_staff_member(user) and not has_totp(request):  # type: ignore[arg-type]
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication before using staff features.")}, status=403
                )
            # Where they were going: the page after the recovery codes offers to continue there.
            if request.method == "GET":
                request.session[MFA_NEXT_SESSION_KEY] = request.get_full_path()
            return redirect("mfa_activate_totp")
        request.session.pop(MFA_NEXT_SESSION_KEY, None)
        return self.get_response(request)
