"""Forms of the planning pages: the public needs survey, end-of-cohort feedback and outcome follow-ups."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mahatat.stations.models import Station

from ..models import Programme, TimeOfDay, Topic, Trainer

STARS = [(n, str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class NeedsSurveyForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What would you like to learn?"),
        choices=Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a subject.")},
    )
    programme = forms.ModelChoiceField(
        label=_("A particular course (optional)"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Any course on this subject"),
    )
    wish = forms.CharField(
        label=_("In your own words (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    station = forms.ModelChoiceField(
        label=_("At which station?"),
        queryset=Station.objects.none(),
        empty_label=_("Choose a station"),
        error_messages={"required": _("Choose a station.")},
    )
    times = forms.MultipleChoiceField(
        label=_("When suits you? (choose one or more)"),
        choices=TimeOfDay.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one time.")},
    )
    # A field people do not see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        station_field = self.fields["station"]
        assert isinstance(station_field, forms.ModelChoiceField)
        station_field.queryset = Station.objects.filter(status=Station.Status.ACTIVE).order_by("name_ar")
        station_field.to_field_name = "code"
        programme_field = self.fields["programme"]
        assert isinstance(programme_field, forms.ModelChoiceField)
        programme_field.queryset = Programme.objects.filter(is_active=True).order_by("title_ar")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme = data.get("programme")
        if programme is not None and data.get("topic") and programme.topic != data["topic"]:
            # The course decides the subject.
            data["topic"] = programme.topic
        return data


class FeedbackForm(forms.Form):
    programme_rating = forms.TypedChoiceField(
        label=_("The course"),
        choices=STARS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    trainer = forms.ModelChoiceField(label=_("Your trainer"), queryset=Trainer.objects.none(), required=False)
    trainer_rating = forms.TypedChoiceField(
        label=_("The trainer"),
        choices=STARS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    station_rating = forms.TypedChoiceField(
        label=_("The station"),
        choices=STARS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, trainers: list[Trainer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trainer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Trainer.objects.filter(pk__in=[t.pk for t in trainers])
        field.empty_label = None
        if trainers:
            field.initial = trainers[0].pk
        if len(trainers) < 2:
            field.widget = forms.HiddenInput()


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )


class FollowUpForm(forms.Form):
    employed = _yes_no(_("Do you have a job now?"))
    started_business = _yes_no(_("Have you started a business?"))
    continued_study = _yes_no(_("Have you continued studying or training?"))
