"""Account pages: the citizen's own profile, the language switch, and staff's look-up of citizens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mahatat.core.client_ip import client_ip

from . import selectors, services
from .forms import CitizenProfileForm, RevealForm
from .models import CitizenProfile, Language, User


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    existing = CitizenProfile.objects.filter(user=user).select_related("governorate", "area").first()
    initial = selectors.profile_initial(user, existing)
    form = CitizenProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["preferred_language"]
        try:
            services.update_own_profile(user=user, details=form.details(), preferred_language=language)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            translation.activate(language)
            messages.success(request, _("Your profile is saved."))
            response = HttpResponseRedirect(reverse("accounts:profile"))
            _set_language_cookie(response, language)
            return response
    context = {
        "form": form,
        "profile": existing,
        "accesses": selectors.accesses_to_data_of(user)[:50],
        "consents": selectors.consents_of(user),
    }
    return render(request, "accounts/profile.html", context)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; it persists in a cookie and, when signed in, in the user's preferences."""
    language = request.POST.get("language", "")
    if language not in Language.values:
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    translation.activate(language)
    if request.user.is_authenticated:
        services.set_preferred_language(user=request.user, language=language)  # type: ignore[arg-type]
    response = HttpResponseRedirect(next_url)
    _set_language_cookie(response, language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def citizen_search(request: HttpRequest) -> HttpResponse:
    """The search form posts, so that national and mobile numbers never appear in URLs, logs or history."""
    if not request.user.has_perm("accounts.reveal_identity_number"):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    query = (params.get("q") or "").strip()[:100]
    page = Paginator(selectors.find_citizens(query), 25).get_page(params.get("page"))
    return render(request, "accounts/citizen_search.html", {"query": query, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def citizen_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("accounts.reveal_identity_number"):
        raise PermissionDenied
    profile = get_object_or_404(CitizenProfile.objects.select_related("user", "governorate", "area"), pk=pk)
    form = RevealForm(request.POST or None)
    revealed = ""
    if request.method == "POST" and form.is_valid():
        revealed = services.reveal_identity_number(
            actor=request.user,  # type: ignore[arg-type]
            profile=profile,
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
    template = "accounts/citizen_detail.html#identity" if request.htmx else "accounts/citizen_detail.html"  # type: ignore[attr-defined]
    return render(request, template, {"profile": profile, "form": form, "revealed": revealed})
