"""Staff pages for cohorts: the list in the user's scope, create and edit, the status steps, the sessions (one
or a weekly series; a trainer clash is refused and the input kept) and the places (cancel one for the citizen).

Someone who runs cohorts at a station manages them; a trainer sees the cohorts they teach; to anyone else a
cohort outside their scope does not exist (404).
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mahatat.accounts.models import User

from ..forms.backoffice import CancelCohortForm, CohortForm, SeriesForm, SessionForm
from ..models import Cohort, Enrolment, Programme, TrainingSession
from ..selectors import backoffice as selectors
from ..services import cohorts as cohort_service
from ..services import enrolment as enrolment_service
from ..services import schedule

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _cohort_for(request: HttpRequest, pk: int, *, manage: bool) -> Cohort:
    """The cohort, if the user may see it (and manage it, when `manage`); 404 when it is outside their scope."""
    _require(request, "training.view_cohorts")
    cohort = selectors.cohort_detail(pk)
    if cohort is None:
        raise Http404
    can_manage = request.user.has_perm("training.manage_cohort", cohort.station)
    if can_manage:
        return cohort
    if request.user.has_perm("training.take_attendance", cohort):
        if manage:
            raise PermissionDenied  # a trainer of the cohort sees it but does not change it
        return cohort
    raise Http404


def _roster_url(session: TrainingSession) -> str:
    try:
        return reverse("training:roster", kwargs={"pk": session.pk})
    except NoReverseMatch:  # the attendance part not installed yet
        return ""


@login_required
@require_GET
def staff_cohorts(request: HttpRequest) -> HttpResponse:
    _require(request, "training.view_cohorts")
    user = _user(request)
    filters = selectors.CohortFilters.from_query(request.GET)
    page = Paginator(selectors.cohort_list(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    stations = list(selectors.scope_stations(user).order_by("code"))
    return render(
        request,
        "training/backoffice/cohorts.html",
        {
            "page": page,
            "filters": filters,
            "stations": stations,
            "programmes": list(Programme.objects.order_by("code")),
            "statuses": Cohort.Status.choices,
            "can_create": bool(stations),
            "can_manage_programmes": request.user.has_perm("training.manage_programmes"),
            "can_manage_trainers": request.user.has_perm("training.manage_trainers"),
        },
    )


def _render_cohort_form(
    request: HttpRequest, form: CohortForm, cohort: Cohort | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "training/backoffice/cohort_form.html", {"form": form, "cohort": cohort}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest) -> HttpResponse:
    _require(request, "training.view_cohorts")
    stations = selectors.scope_stations(_user(request))
    if not stations.exists():
        raise PermissionDenied
    if request.method == "POST":
        form = CohortForm(request.POST, stations=stations)
        if form.is_valid():
            cohort = form.save(commit=False)
            cohort.status = Cohort.Status.DRAFT
            cohort._history_user = request.user  # type: ignore[attr-defined]
            cohort.save()
            form.save_m2m()
            messages.success(request, _("The course is created as a draft. Add its sessions, then open it."))
            return redirect("training:staff_cohort", pk=cohort.pk)
        messages.error(request, _("Nothing was saved. Correct the fields marked below and save again."))
        return _render_cohort_form(request, form, None, status=400)
    initial = {}
    if request.GET.get("programme", "").isdecimal():
        initial["programme"] = request.GET["programme"]
    return _render_cohort_form(request, CohortForm(stations=stations, initial=initial), None)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk, manage=True)
    if cohort.status in schedule.CLOSED_STATUSES:
        messages.error(request, _("A completed or cancelled course cannot be changed."))
        return redirect("training:staff_cohort", pk=cohort.pk)
    stations = selectors.scope_stations(_user(request))
    # The form works on a copy: the page keeps showing the saved values when the input is refused.
    form = CohortForm(request.POST or None, instance=copy.copy(cohort), stations=stations)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved._history_user = request.user  # type: ignore[attr-defined]
            saved.save()
            form.save_m2m()
            messages.success(request, _("The course is saved."))
            return redirect("training:staff_cohort", pk=cohort.pk)
        messages.error(request, _("Nothing was saved. Correct the fields marked below and save again."))
        return _render_cohort_form(request, form, cohort, status=400)
    return _render_cohort_form(request, form, cohort)


def _cohort_page(
    request: HttpRequest,
    cohort: Cohort,
    *,
    session_form: SessionForm | None = None,
    series_form: SeriesForm | None = None,
    cancel_form: CancelCohortForm | None = None,
    editing: int | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = request.user.has_perm("training.manage_cohort", cohort.station)
    sessions = selectors.cohort_sessions(cohort)
    now = timezone.now()
    rows = [
        {
            "session": s,
            "roster_url": _roster_url(s),
            "warning": schedule.availability_warning(
                trainer=s.trainer, starts_at=s.starts_at, ends_at=s.ends_at
            ),
            "past": s.ends_at <= now,
        }
        for s in sessions
    ]
    places = selectors.cohort_places(cohort)
    context: dict[str, Any] = {
        "cohort": cohort,
        "rows": rows,
        "enrolled": places[Enrolment.Status.ENROLLED],
        "offered": places[Enrolment.Status.OFFERED],
        "waitlisted": places[Enrolment.Status.WAITLISTED],
        "can_manage": can_manage,
        "editable": can_manage and cohort.status not in schedule.CLOSED_STATUSES,
        "session_form": session_form or SessionForm(cohort=cohort),
        "series_form": series_form or SeriesForm(),
        "cancel_form": cancel_form or CancelCohortForm(),
        "editing": editing,
        "sessions_ahead": sum(1 for r in rows if not r["past"]),
        "Status": Cohort.Status,
    }
    return render(request, "training/backoffice/cohort.html", context, status=status)


@login_required
@require_GET
def staff_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk, manage=False)
    return _cohort_page(request, cohort)


STEPS = {
    "open": (cohort_service.open_cohort, gettext_lazy("The course is open for enrolment.")),
    "start": (cohort_service.start_cohort, gettext_lazy("The course is marked as running.")),
    "complete": (
        cohort_service.complete_cohort,
        gettext_lazy("The course is completed. Its learners are evaluated and invited to give feedback."),
    ),
}


@login_required
@require_POST
def cohort_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    cohort = _cohort_for(request, pk, manage=True)
    if step == "cancel":
        form = CancelCohortForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for cancelling: it is sent to everyone enrolled."))
            return _cohort_page(request, cohort, cancel_form=form, status=400)
        try:
            cohort_service.cancel_cohort(cohort=cohort, by=_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The course is cancelled and everyone enrolled has been told."))
        return redirect("training:staff_cohort", pk=cohort.pk)
    if step not in STEPS:
        raise Http404
    action, done = STEPS[step]
    try:
        action(cohort=cohort, by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect("training:staff_cohort", pk=cohort.pk)


def _session_of(request: HttpRequest, pk: int, session_pk: int) -> tuple[Cohort, TrainingSession]:
    cohort = _cohort_for(request, pk, manage=True)
    session = get_object_or_404(
        TrainingSession.objects.select_related("trainer"), pk=session_pk, cohort=cohort
    )
    return cohort, session


def _warn_availability(request: HttpRequest, sessions: list[TrainingSession]) -> None:
    for session in sessions:
        warning = schedule.availability_warning(
            trainer=session.trainer, starts_at=session.starts_at, ends_at=session.ends_at
        )
        if warning:
            messages.warning(request, warning)
            break


@login_required
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk, manage=True)
    form = SessionForm(request.POST, cohort=cohort)
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            session = schedule.add_session(
                cohort=cohort,
                trainer=form.cleaned_data["trainer"],
                starts_at=starts_at,
                ends_at=ends_at,
                room=form.cleaned_data["room"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is added."))
            _warn_availability(request, [session])
            return redirect(f"{reverse('training:staff_cohort', kwargs={'pk': cohort.pk})}#sessions")
    messages.error(request, _("The session was not added. See the reason below."))
    return _cohort_page(request, cohort, session_form=form, status=400)


@login_required
@require_POST
def session_series(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk, manage=True)
    form = SeriesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sessions = schedule.add_series(
                cohort=cohort,
                trainer=data["trainer"],
                weekdays=data["weekdays"],
                start_time=data["start"],
                end_time=data["end"],
                first_day=data["first_day"],
                weeks=data["weeks"],
                room=data["room"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(count)s sessions are added.") % {"count": len(sessions)}
                if len(sessions) != 1
                else _("One session is added."),
            )
            _warn_availability(request, sessions)
            return redirect(f"{reverse('training:staff_cohort', kwargs={'pk': cohort.pk})}#sessions")
    messages.error(request, _("No session was added. See the reason below."))
    return _cohort_page(request, cohort, series_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    cohort, session = _session_of(request, pk, session_pk)
    if request.method == "POST":
        form = SessionForm(request.POST, cohort=cohort, prefix=f"s{session.pk}")
        if form.is_valid():
            starts_at, ends_at = form.times()
            try:
                schedule.update_session(
                    session=session,
                    trainer=form.cleaned_data["trainer"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    room=form.cleaned_data["room"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session is saved."))
                _warn_availability(request, [session])
                return redirect(f"{reverse('training:staff_cohort', kwargs={'pk': cohort.pk})}#sessions")
        messages.error(request, _("The session was not changed. See the reason below."))
        return render(
            request,
            "training/backoffice/session_form.html",
            {"cohort": cohort, "session": session, "form": form},
            status=400,
        )
    form = SessionForm(initial=SessionForm.initial_for(session), cohort=cohort, prefix=f"s{session.pk}")
    return render(
        request, "training/backoffice/session_form.html", {"cohort": cohort, "session": session, "form": form}
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    cohort, session = _session_of(request, pk, session_pk)
    try:
        schedule.delete_session(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session is deleted."))
    return redirect(f"{reverse('training:staff_cohort', kwargs={'pk': cohort.pk})}#sessions")


@login_required
@require_POST
def place_cancel(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    cohort = _cohort_for(request, pk, manage=True)
    enrolment = get_object_or_404(Enrolment, pk=enrolment_pk, cohort=cohort)
    try:
        enrolment_service.cancel(enrolment=enrolment, by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The place is cancelled."))
    return redirect(f"{reverse('training:staff_cohort', kwargs={'pk': cohort.pk})}#places")
