"""Form fields for Jordanian personal data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .identity import normalize_jordan_mobile, validate_jordan_mobile


class JordanMobileField(forms.CharField):
    """Accepts 07X XXX XXXX, +962 7X..., 00962..., with Arabic digits too; cleans to +9627XXXXXXXX."""

    default_validators = [validate_jordan_mobile]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "inputmode": "tel",
                    "placeholder": "07X XXX XXXX",
                    "dir": "ltr",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalize_jordan_mobile(super().to_python(value))
