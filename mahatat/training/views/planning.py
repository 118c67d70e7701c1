"""Citizen-facing planning pages: the public needs survey, end-of-cohort feedback and the outcome follow-up link."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from mahatat.core.client_ip import client_ip

from ..forms.planning import FeedbackForm, FollowUpForm, NeedsSurveyForm
from ..models import Enrolment, FeedbackResponse
from ..services import feedback as feedback_service
from ..services import follow_ups as follow_up_service
from ..services import needs as needs_service

# Needs survey answers one client may send per hour.
SURVEY_LIMIT_PER_HOUR = 10


def _survey_throttle_key(request: HttpRequest) -> str:
    return f"training:needs-survey:{client_ip(request) or 'unknown'}"


@require_http_methods(["GET", "POST"])
def needs_survey(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NeedsSurveyForm(request.POST)
        key = _survey_throttle_key(request)
        if (cache.get(key) or 0) >= SURVEY_LIMIT_PER_HOUR:
            return render(
                request, "training/planning/needs_survey.html", {"form": form, "throttled": True}, status=429
            )
        if form.is_valid():
            if not form.cleaned_data.get("website"):
                needs_service.record_needs(
                    station=form.cleaned_data["station"],
                    topic=form.cleaned_data["topic"],
                    programme=form.cleaned_data.get("programme"),
                    wish=form.cleaned_data.get("wish") or "",
                    times=form.cleaned_data["times"],
                    citizen=request.user if request.user.is_authenticated else None,
                )
            cache.add(key, 0, timeout=60 * 60)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=60 * 60)
            return redirect("training:needs_thanks")
        return render(request, "training/planning/needs_survey.html", {"form": form}, status=400)
    initial = {}
    if code := (request.GET.get("station") or "").strip()[:40]:
        initial["station"] = code
    return render(request, "training/planning/needs_survey.html", {"form": NeedsSurveyForm(initial=initial)})


def needs_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "training/planning/needs_thanks.html")


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "cohort__station"), pk=pk, citizen=request.user
    )
    if not feedback_service.can_give_feedback(enrolment):
        raise Http404
    if FeedbackResponse.objects.filter(enrolment=enrolment).exists():
        return render(request, "training/planning/feedback_thanks.html", {"enrolment": enrolment})
    trainers = feedback_service.cohort_trainers(enrolment.cohort)
    form = FeedbackForm(request.POST or None, trainers=trainers)
    if request.method == "POST":
        if form.is_valid():
            trainer = form.cleaned_data.get("trainer") or (trainers[0] if trainers else None)
            try:
                feedback_service.submit_feedback(
                    enrolment=enrolment,
                    trainer=trainer,
                    programme_rating=form.cleaned_data["programme_rating"],
                    trainer_rating=form.cleaned_data["trainer_rating"],
                    station_rating=form.cleaned_data["station_rating"],
                    comment=form.cleaned_data.get("comment") or "",
                )
            except ValidationError as exc:
                if exc.code != "already_given":
                    form.add_error(None, exc)
                    return _feedback_page(request, enrolment, form, trainers, status=400)
            except PermissionDenied as exc:
                raise Http404 from exc
            return redirect("training:feedback", pk=enrolment.pk)
        return _feedback_page(request, enrolment, form, trainers, status=400)
    return _feedback_page(request, enrolment, form, trainers)


def _feedback_page(request, enrolment, form, trainers, status=200):  # type: ignore[no-untyped-def]
    return render(
        request,
        "training/planning/feedback.html",
        {"enrolment": enrolment, "form": form, "trainers": trainers},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    item = follow_up_service.find_by_token(token)
    if item is None:
        raise Http404
    if item.responded_at is not None:
        return render(request, "training/planning/follow_up_thanks.html", {"item": item, "already": True})
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            answered = follow_up_service.record_answers(follow_up=item, **form.cleaned_data)
            return render(
                request, "training/planning/follow_up_thanks.html", {"item": item, "already": not answered}
            )
        return render(request, "training/planning/follow_up.html", {"item": item, "form": form}, status=400)
    return render(request, "training/planning/follow_up.html", {"item": item, "form": form})
