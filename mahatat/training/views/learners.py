"""A citizen's own training (My training), its calendar feed, and walk-in enrolment at the station desk."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mahatat.accounts.identity import format_jordan_mobile
from mahatat.accounts.models import CitizenProfile, User
from mahatat.accounts.scope import stations_in_scope
from mahatat.core.client_ip import client_ip

from .. import calendar_feed
from ..forms.desk import LookupForm, NewCitizenForm
from ..models import Cohort, Enrolment
from ..rules import DESK_ROLES
from ..selectors.learners import my_training as my_training_data
from ..services import walk_in
from ..services.enrolment import ENROLLABLE_STATUSES

_CONFIRM_SALT = "mahatat.training.desk.confirm"
_CONFIRM_MAX_AGE = 30 * 60


# --- My training ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def my_training(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    data = my_training_data(user)
    token = calendar_feed.feed_token(user)
    path = reverse("training:calendar", kwargs={"token": token})
    context = {
        "data": data,
        "calendar_url": request.build_absolute_uri(path),
        "webcal_url": "webcal://" + request.get_host() + path,
        "now": timezone.now(),
    }
    return render(request, "training/learners/my_training.html", context)


@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The iCal feed: no sign-in (calendar apps cannot sign in); the unguessable token is the key."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404
    body = calendar_feed.build_calendar(user=user, sessions=calendar_feed.sessions_for_feed(user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mahatat-training.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    calendar_feed.reset_feed_token(user=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("Your calendar link is new. The old link no longer works: subscribe again with the new one."),
    )
    return HttpResponseRedirect(reverse("training:my_training") + "#calendar")


# --- The station desk ----------------------------------------------------------------------------------------


def _desk_cohorts(user: User) -> list[Cohort]:
    now = timezone.now()
    return list(
        Cohort.objects.filter(
            station__in=stations_in_scope(user, DESK_ROLES),
            status__in=ENROLLABLE_STATUSES,
            enrolment_opens__lte=now,
            enrolment_closes__gt=now,
        )
        .select_related("programme", "station")
        .order_by("station__name_ar", "starts_on", "id")
    )


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not stations_in_scope(user, DESK_ROLES).exists():
        raise PermissionDenied
    return render(request, "training/learners/desk.html", {"cohorts": _desk_cohorts(user)})


def _desk_cohort_or_403(request: HttpRequest, pk: int) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("programme", "station"), pk=pk)
    if not request.user.has_perm("training.enrol_walk_in", cohort.station):
        raise PermissionDenied
    return cohort


def _confirm_token(cohort: Cohort, citizen: User) -> str:
    return signing.dumps({"c": cohort.pk, "u": citizen.pk}, salt=_CONFIRM_SALT)


def _confirmed_citizen(cohort: Cohort, token: str) -> User | None:
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=_CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("c") != cohort.pk:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def _enrolled_message(enrolment: Enrolment, name: str) -> str:
    values = {"name": name, "programme": enrolment.cohort.programme.title}
    if enrolment.status == Enrolment.Status.ENROLLED:
        return _("%(name)s is enrolled in %(programme)s. A confirmation was sent by SMS.") % values
    return (
        _("The course is full: %(name)s is on the waitlist for %(programme)s. An SMS tells them so.") % values
    )


@login_required
@require_http_methods(["GET", "POST"])
def desk_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    """One page, three steps: look up → confirm the person found, or register a new citizen → enrol.

    Everything is posted (numbers never appear in URLs); a refusal re-shows the form with what was typed.
    """
    cohort = _desk_cohort_or_403(request, pk)
    actor: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    lookup_form = LookupForm(request.POST if action == "lookup" else None)
    new_form: NewCitizenForm | None = None
    found: CitizenProfile | None = None
    confirm_token = ""
    refusal = ""

    if action == "lookup" and lookup_form.is_valid():
        lookup = lookup_form.cleaned_data["query"]
        found = walk_in.find_citizen(actor=actor, lookup=lookup, ip_address=client_ip(request))
        if found is not None:
            confirm_token = _confirm_token(cohort, found.user)
        else:
            initial = (
                {"phone": format_jordan_mobile(lookup.value)}
                if lookup.kind == "phone"
                else {"id_number": lookup.value}
            )
            new_form = NewCitizenForm(initial=initial)
    elif action == "enrol":
        citizen = _confirmed_citizen(cohort, request.POST.get("confirm", ""))
        if citizen is None:
            refusal = _("This confirmation has expired. Look the citizen up again.")
        else:
            try:
                enrolment = walk_in.enrol_existing(cohort_id=cohort.pk, citizen=citizen, by=actor)
            except ValidationError as exc:
                refusal = " ".join(exc.messages)
                found = CitizenProfile.objects.filter(user=citizen).select_related("user").first()
            else:
                messages.success(request, _enrolled_message(enrolment, str(citizen)))
                return HttpResponseRedirect(reverse("training:desk_cohort", kwargs={"pk": cohort.pk}))
    elif action == "register":
        new_form = NewCitizenForm(request.POST)
        if new_form.is_valid():
            try:
                enrolment = walk_in.register_and_enrol(
                    cohort_id=cohort.pk, person=new_form.person(), by=actor
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        new_form.add_error(name if name in new_form.fields else None, errors)
                else:
                    new_form.add_error(None, exc.messages)
            else:
                messages.success(request, _enrolled_message(enrolment, new_form.cleaned_data["name_ar"]))
                return HttpResponseRedirect(reverse("training:desk_cohort", kwargs={"pk": cohort.pk}))
    elif action == "new":
        new_form = NewCitizenForm()

    taken = Enrolment.objects.filter(cohort=cohort).holding_seats().count()
    waiting = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED).count()
    context = {
        "cohort": cohort,
        "lookup_form": lookup_form,
        "new_form": new_form,
        "found": found,
        "confirm_token": confirm_token,
        "refusal": refusal,
        "seats_left": max(cohort.seats - taken, 0),
        "waiting": waiting,
        "site_url": settings.SITE_URL,
    }
    status = 400 if (refusal or (new_form is not None and new_form.errors) or lookup_form.errors) else 200
    return render(request, "training/learners/desk_cohort.html", context, status=status)
