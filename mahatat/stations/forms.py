"""Back-office forms: a station, its weekly hours and date exceptions, and public holidays."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mahatat.core.dates import local_today

from .models import WEEK_ORDER, WORKING_DAYS, PublicHoliday, Station, Weekday
from .opening_hours import overlapping
from .services import DayException, Period

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
DEFAULT_OPENS, DEFAULT_CLOSES = dt.time(8), dt.time(16)

LTR = {"dir": "ltr"}
TIME = forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date", "dir": "ltr"}, format="%Y-%m-%d")


class StationForm(forms.ModelForm):
    """What a station manager keeps current about their own station."""

    class Meta:
        model = Station
        fields = [
            "name_ar",
            "name_en",
            "status",
            "address_ar",
            "address_en",
            "landmark_ar",
            "landmark_en",
            "postal_code",
            "latitude",
            "longitude",
            "phone",
            "email",
            "capacity",
            "services",
            "description_ar",
            "description_en",
            "photo",
        ]
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "description_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ar"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "address_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "address_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "landmark_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "landmark_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "postal_code": forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric"}),
            "latitude": forms.NumberInput(attrs={"dir": "ltr", "step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"dir": "ltr", "step": "0.000001"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "latitude": _("Between 29 and 34, e.g. 31.963158."),
            "longitude": _("Between 34 and 40, e.g. 35.930359."),
            "photo": _("A JPEG, PNG or WebP image of at most 5 MB."),
        }

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        # A new upload has been opened by Pillow (ImageField) and carries its format; a kept photo does not.
        image = getattr(photo, "image", None)
        if photo is None or image is None:
            return photo
        if photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(
                _("The photo is %(size).1f MB; the largest allowed is 5 MB. Choose a smaller image."),
                code="too_large",
                params={"size": photo.size / (1024 * 1024)},
            )
        if (image.format or "").upper() not in PHOTO_FORMATS:
            raise ValidationError(
                _("This file is a %(format)s image. Upload a JPEG, PNG or WebP photo."),
                code="bad_format",
                params={"format": image.format or "?"},
            )
        return photo

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(
                _("Enter both the latitude and the longitude, or neither."), code="half_location"
            )
        return data

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the form's own fields, for services.update_station / create_station."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class StationAdminForm(StationForm):
    """What a GAM administrator sets besides: the code (on creation), where the station is, its partners."""

    class Meta(StationForm.Meta):
        fields = [
            "code",
            "governorate",
            "municipality",
            "area",
            "opened_on",
            "partners",
            *StationForm.Meta.fields,
        ]
        widgets = {
            **StationForm.Meta.widgets,
            "code": forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "characters"}),
            "partners": forms.CheckboxSelectMultiple,
            "opened_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = cast(forms.ModelChoiceField, self.fields["municipality"])
        municipality.queryset = municipality.queryset.select_related("governorate")  # type: ignore[union-attr]
        area = cast(forms.ModelChoiceField, self.fields["area"])
        area.queryset = area.queryset.select_related("municipality")  # type: ignore[union-attr]
        if self.instance.pk:
            # The code is in every link to the station; it is set once.
            self.fields["code"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        governorate, municipality, area = data.get("governorate"), data.get("municipality"), data.get("area")
        if governorate and municipality and municipality.governorate_id != governorate.pk:
            self.add_error("municipality", _("This municipality is not in the chosen governorate."))
        if municipality and area and area.municipality_id != municipality.pk:
            self.add_error("area", _("This area is not in the chosen municipality."))
        return data


class RowForm(forms.Form):
    """A row of a back-office formset: blank means "no row", whether it was shown filled or empty.

    A row counts as filled when any of its `content_fields` has a value; a filled row is validated in full,
    a blank one is left out (so clearing a row removes it, as does its Remove box).
    """

    content_fields: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        return any(str(self[name].data or "").strip() for name in self.content_fields)


class BaseRowFormSet(forms.BaseFormSet):
    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        kwargs.setdefault("empty_permitted", True)
        return super()._construct_form(i, **kwargs)  # type: ignore[misc]

    def kept_forms(self) -> list[forms.Form]:
        return [
            f
            for f in self.forms
            if f.cleaned_data and not (self.can_delete and self._should_delete_form(f))  # type: ignore[attr-defined]
        ]


class OpeningPeriodForm(RowForm):
    """One period a station is open on a weekday."""

    content_fields = ("weekday", "opens", "closes")

    weekday = forms.TypedChoiceField(
        label=_("Day"),
        coerce=int,
        choices=[("", "—"), *((d, Weekday(d).label) for d in WEEK_ORDER)],
    )
    opens = forms.TimeField(label=_("Opens"), widget=TIME)
    closes = forms.TimeField(label=_("Closes"), widget=TIME)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("The closing time must be after the opening time."))
        return data


class BaseOpeningHoursFormSet(BaseRowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        clashes = overlapping((p.weekday, p.opens, p.closes) for p in self.periods())
        if clashes:
            days = ", ".join(str(Weekday(d).label) for d in clashes)
            raise ValidationError(
                _("Two periods overlap on %(days)s. Make each period end before the next one starts."),
                code="overlap",
                params={"days": days},
            )

    def periods(self) -> list[Period]:
        """The periods kept (not removed, not left blank), Sunday first."""
        kept = [
            Period(f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"])
            for f in self.kept_forms()
        ]
        return sorted(kept, key=lambda p: (WEEK_ORDER.index(p.weekday), p.opens))


OpeningHoursFormSet = forms.formset_factory(
    OpeningPeriodForm,
    formset=BaseOpeningHoursFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


def hours_initial(station: Station | None) -> list[dict[str, Any]]:
    """The rows the hours form starts with: the station's hours, or Sunday to Thursday 08:00–16:00 for a new one."""
    if station is None or station.pk is None:
        return [{"weekday": d, "opens": DEFAULT_OPENS, "closes": DEFAULT_CLOSES} for d in WORKING_DAYS]
    rows = sorted(station.opening_hours.all(), key=lambda h: (WEEK_ORDER.index(h.weekday), h.opens))
    return [{"weekday": h.weekday, "opens": h.opens, "closes": h.closes} for h in rows]


class HoursExceptionForm(RowForm):
    """A date on which the station is closed or keeps other hours."""

    content_fields = ("date", "closed", "opens", "closes", "reason_ar", "reason_en")

    date = forms.DateField(label=_("Date"), widget=DATE)
    closed = forms.BooleanField(label=_("Closed all day"), required=False)
    opens = forms.TimeField(label=_("Opens"), widget=TIME, required=False)
    closes = forms.TimeField(label=_("Closes"), widget=TIME, required=False)
    reason_ar = forms.CharField(
        label=_("Reason (Arabic)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    reason_en = forms.CharField(
        label=_("Reason (English)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
    )

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day < local_today():
            raise ValidationError(_("Choose today or a later date."), code="past")
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("closed"):
            data["opens"] = data["closes"] = None
            return data
        opens, closes = data.get("opens"), data.get("closes")
        if "opens" in data and "closes" in data:
            if opens is None or closes is None:
                raise ValidationError(
                    _("Give the opening and closing times, or tick “Closed all day”."), code="times_missing"
                )
            if closes <= opens:
                self.add_error("closes", _("The closing time must be after the opening time."))
        return data


class BaseHoursExceptionFormSet(BaseRowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[dt.date] = set()
        for exception in self.exceptions():
            if exception.date in seen:
                raise ValidationError(
                    _("%(date)s is entered twice. Keep one row per date."),
                    code="duplicate_date",
                    params={"date": exception.date.isoformat()},
                )
            seen.add(exception.date)

    def exceptions(self) -> list[DayException]:
        kept = [
            DayException(
                date=f.cleaned_data["date"],
                closed=f.cleaned_data["closed"],
                opens=f.cleaned_data.get("opens"),
                closes=f.cleaned_data.get("closes"),
                reason_ar=f.cleaned_data.get("reason_ar", ""),
                reason_en=f.cleaned_data.get("reason_en", ""),
            )
            for f in self.kept_forms()
        ]
        return sorted(kept, key=lambda e: e.date)


HoursExceptionFormSet = forms.formset_factory(
    HoursExceptionForm,
    formset=BaseHoursExceptionFormSet,
    extra=1,
    can_delete=True,
    max_num=100,
    validate_max=True,
)


def exceptions_initial(station: Station | None) -> list[dict[str, Any]]:
    """The station's exceptions from today on (past ones are history and stay as they are)."""
    if station is None or station.pk is None:
        return []
    rows = station.hours_exceptions.filter(date__gte=local_today()).order_by("date")
    return [
        {
            "date": e.date,
            "closed": e.closed,
            "opens": e.opens,
            "closes": e.closes,
            "reason_ar": e.reason_ar,
            "reason_en": e.reason_en,
        }
        for e in rows
    ]


class PublicHolidayForm(forms.ModelForm):
    class Meta:
        model = PublicHoliday
        fields = ["date", "name_ar", "name_en", "governorate"]
        widgets = {
            "date": DATE,
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
        }
        help_texts = {"governorate": _("Leave empty for a national holiday.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["governorate"]).empty_label = _(
            "All governorates (national holiday)"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, governorate = data.get("date"), data.get("governorate")
        if day:
            clash = PublicHoliday.objects.filter(date=day, governorate=governorate).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                raise ValidationError(
                    _("A holiday is already entered on this date for the same place."), code="duplicate"
                )
        return data
