"""The import form: what to import (cohorts, or trainees for one cohort) and the file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mahatat.accounts.models import User
from mahatat.accounts.scope import stations_in_scope

from ..import_formats import MAX_BYTES, Kind
from ..models import Cohort
from ..rules import COHORT_MANAGER_ROLES
from ..services import imports


class CohortChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Cohort) -> str:  # type: ignore[override]
        start = f" · {obj.starts_on:%Y-%m-%d}" if obj.starts_on else ""
        return f"{obj.programme.title} · {obj.station.name}{start} (#{obj.pk})"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=Kind.CHOICES, widget=forms.RadioSelect)
    cohort = CohortChoiceField(
        label=_("Cohort (for trainees)"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("Choose a cohort"),
        help_text=_("Only open cohorts at stations you manage are listed."),
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_(
            "At most 2 MB and 2,000 rows. The first row holds the column names, in Arabic or English."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort_field: CohortChoiceField = self.fields["cohort"]  # type: ignore[assignment]
        cohort_field.queryset = (
            Cohort.objects.filter(
                station__in=stations_in_scope(user, COHORT_MANAGER_ROLES).values("pk"),
                status__in=[Cohort.Status.OPEN, Cohort.Status.FULL],
            )
            .select_related("programme", "station")
            .order_by("-starts_on", "-id")
        )
        self.rows: list[imports.Row] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        cohort: Cohort | None = data.get("cohort")
        if kind == Kind.TRAINEES:
            if cohort is None:
                self.add_error("cohort", _("Choose the cohort the trainees join."))
            elif reason := imports.cohort_accepts_imports(cohort):
                self.add_error("cohort", reason)
        upload = data.get("file")
        if kind and upload is not None:
            try:
                if upload.size > MAX_BYTES:
                    raise imports.FileRefused(
                        str(_("The file is too large (%(size)s MB). The limit is %(limit)s MB."))
                        % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
                    )
                table = imports.read_file(upload.name or "", upload.read())
                self.rows = imports.rows_for(kind, table)
            except imports.FileRefused as exc:
                self.add_error("file", ValidationError(exc.message, code="refused"))
        return data
