"""Back-office forms: programmes, cohorts, their sessions (one, or a weekly series), and trainers with their
weekly availability. Times are entered and shown in Amman time (the site's time zone)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mahatat.accounts.models import Role, User
from mahatat.core.dates import AMMAN, local_today
from mahatat.stations.models import Station

from ..models import (
    Cohort,
    Programme,
    TargetGroup,
    Topic,
    Trainer,
    TrainerAvailability,
    TrainingSession,
    Weekday,
)

TIME = forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "dir": "ltr"}, format="%Y-%m-%dT%H:%M")
AR = {"dir": "rtl", "lang": "ar"}
EN = {"dir": "ltr", "lang": "en"}
# Sunday first, as the week reads in Jordan.
WEEK_ORDER = [6, 0, 1, 2, 3, 4, 5]


def _weekday_choices() -> list[tuple[int, Any]]:
    labels = dict(Weekday.choices)
    return [(day, labels[day]) for day in WEEK_ORDER]


class ProgrammeForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "title_ar",
            "title_en",
            "topic",
            "provider",
            "partner_name",
            "target_groups",
            "total_hours",
            "min_attendance_percent",
            "min_assessment_score",
            "certificate_template",
            "description_ar",
            "description_en",
            "prerequisites_ar",
            "prerequisites_en",
            "is_active",
        ]
        widgets = {
            "code": forms.TextInput(attrs={"dir": "ltr"}),
            "title_ar": forms.TextInput(attrs=AR),
            "title_en": forms.TextInput(attrs=EN),
            "description_ar": forms.Textarea(attrs={"rows": 4, **AR}),
            "description_en": forms.Textarea(attrs={"rows": 4, **EN}),
            "prerequisites_ar": forms.Textarea(attrs={"rows": 2, **AR}),
            "prerequisites_en": forms.Textarea(attrs={"rows": 2, **EN}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("provider") == "partner" and not (data.get("partner_name") or "").strip():
            self.add_error("partner_name", _("Name the partner that provides this programme."))
        return data


class CohortForm(forms.ModelForm):
    """A cohort at one of the stations the user runs cohorts at."""

    class Meta:
        model = Cohort
        fields = [
            "programme",
            "station",
            "seats",
            "language",
            "enrolment_opens",
            "enrolment_closes",
            "gender",
            "min_age",
            "max_age",
            "trainers",
            "notes_ar",
            "notes_en",
        ]
        widgets = {
            "enrolment_opens": DATETIME,
            "enrolment_closes": DATETIME,
            "trainers": forms.SelectMultiple(attrs={"size": 6}),
            "notes_ar": forms.Textarea(attrs={"rows": 3, **AR}),
            "notes_en": forms.Textarea(attrs={"rows": 3, **EN}),
        }

    def __init__(self, *args: Any, stations: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.active()
        if self.instance.pk:
            programmes = Programme.objects.filter(pk=self.instance.programme_id) | programmes
        self.fields["programme"].queryset = programmes.order_by("code")  # type: ignore[attr-defined]
        self.fields["station"].queryset = stations.order_by("code")  # type: ignore[attr-defined]
        self.fields["trainers"].queryset = Trainer.objects.active()  # type: ignore[attr-defined]
        self.fields["trainers"].required = False
        for name in ("enrolment_opens", "enrolment_closes"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("enrolment_opens"), data.get("enrolment_closes")
        if opens and closes and closes <= opens:
            self.add_error("enrolment_closes", _("Enrolment must close after it opens."))
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The maximum age must not be below the minimum age."))
        return data


class SessionForm(forms.Form):
    """One session: a day, a start and end time (Amman), a trainer and a room."""

    day = forms.DateField(label=_("Day"), widget=DATE)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)
    trainer = forms.ModelChoiceField(
        label=_("Trainer"), queryset=Trainer.objects.none(), required=False, empty_label=_("Not yet assigned")
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = Trainer.objects.active()  # type: ignore[attr-defined]
        self.cohort = cohort

    @classmethod
    def initial_for(cls, session: TrainingSession) -> dict[str, Any]:
        start, end = session.starts_at.astimezone(AMMAN), session.ends_at.astimezone(AMMAN)
        return {
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "trainer": session.trainer_id,
            "room": session.room,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The session must end after it starts."))
        return data

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        day = self.cleaned_data["day"]
        return (
            dt.datetime.combine(day, self.cleaned_data["start"], tzinfo=AMMAN),
            dt.datetime.combine(day, self.cleaned_data["end"], tzinfo=AMMAN),
        )


class SeriesForm(forms.Form):
    """Every <days> from <start> to <end>, from a first day, for a number of weeks."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=_weekday_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("Until"), widget=TIME)
    first_day = forms.DateField(label=_("Starting on"), widget=DATE)
    weeks = forms.IntegerField(label=_("For how many weeks"), min_value=1, max_value=52, initial=4)
    trainer = forms.ModelChoiceField(
        label=_("Trainer"), queryset=Trainer.objects.none(), required=False, empty_label=_("Not yet assigned")
    )
    room = forms.CharField(label=_("Room"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "series")
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = Trainer.objects.active()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The session must end after it starts."))
        first = data.get("first_day")
        if first and first < local_today() - dt.timedelta(days=365):
            self.add_error("first_day", _("The first day is more than a year ago."))
        return data


class CancelCohortForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone enrolled)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TrainerForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    user = forms.ModelChoiceField(
        label=_("User account (trainer role)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Needed to take attendance. Only accounts with the trainer role are listed."),
    )

    class Meta:
        model = Trainer
        fields = [
            "name_ar",
            "name_en",
            "user",
            "home_station",
            "email",
            "phone",
            "topics",
            "qualifications_ar",
            "qualifications_en",
            "is_active",
        ]
        widgets = {
            "name_ar": forms.TextInput(attrs=AR),
            "name_en": forms.TextInput(attrs=EN),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
            "qualifications_ar": forms.Textarea(attrs={"rows": 3, **AR}),
            "qualifications_en": forms.Textarea(attrs={"rows": 3, **EN}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from mahatat.accounts.models import StaffAssignment

        trainer_users = StaffAssignment.objects.current().filter(role=Role.TRAINER).values("user_id")
        taken = Trainer.objects.exclude(pk=self.instance.pk).exclude(user=None).values("user_id")
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(pk__in=trainer_users).exclude(pk__in=taken).order_by("email")
        )
        self.fields["home_station"].queryset = Station.objects.order_by("code")  # type: ignore[attr-defined]


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = TrainerAvailability
        fields = ["weekday", "start", "end"]
        widgets = {"start": TIME, "end": TIME}
        labels = {"weekday": _("Day"), "start": _("From"), "end": _("Until")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [("", "---------"), *_weekday_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return data


class BaseAvailabilityFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        slots: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not all(data.get(k) for k in ("start", "end")):
                continue
            if data.get("weekday") is None:
                continue
            slots.setdefault(int(data["weekday"]), []).append((data["start"], data["end"]))
        for day, periods in slots.items():
            periods.sort()
            for (_s1, e1), (s2, _e2) in zip(periods, periods[1:], strict=False):
                if s2 < e1:
                    raise ValidationError(
                        _("Two periods overlap on %(day)s.") % {"day": Weekday(day).label}, code="overlap"
                    )


AvailabilityFormSet = forms.inlineformset_factory(
    Trainer,
    TrainerAvailability,
    form=AvailabilityForm,
    formset=BaseAvailabilityFormSet,
    extra=2,
    can_delete=True,
)
