"""Jordanian identity conventions: mobile numbers and identity documents.

- Mobile numbers are +962 7X XXX XXXX with X in 7, 8 or 9 for the operator; people write them 07X XXX XXXX.
  They are stored in E.164 (+9627XXXXXXXX).
- The national number (الرقم الوطني) has 10 digits and no public checksum: only its form is checked, and
  nothing (sex, age) is inferred from it. Foreign residents have a personal number; other documents are accepted.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mahatat.core.arabic_text import fold

_MOBILE = re.compile(r"^\+9627[789]\d{7}$")


class IdentityDocumentType(models.TextChoices):
    NATIONAL_NUMBER = "national_number", _("Jordanian national number")
    PERSONAL_NUMBER = "personal_number", _("Personal number (foreign resident)")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")


def normalize_jordan_mobile(value: str | None) -> str:
    """Turn what a person typed (07X..., 7X..., 009627X..., +962 7X..., Arabic digits) into +9627XXXXXXXX.

    Returns the input cleaned of spaces when it cannot be read as a Jordanian mobile number, so that the
    validator can name the problem.
    """
    if not value:
        return ""
    digits = re.sub(r"[\s\-().]", "", fold(value))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+962"):
        rest = digits[4:]
    elif digits.startswith("962") and len(digits) == 12:
        rest = digits[3:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        rest = digits
    if rest.startswith("0"):
        rest = rest[1:]
    if re.fullmatch(r"7\d{8}", rest):
        return "+962" + rest
    return digits


def is_jordan_mobile(value: str | None) -> bool:
    """Whether a value is a Jordanian mobile number in E.164 (+9627[789]XXXXXXX)."""
    return bool(value and _MOBILE.match(value))


def validate_jordan_mobile(value: str) -> None:
    if value and not _MOBILE.match(value):
        raise ValidationError(
            _("Enter a Jordanian mobile number: 077, 078 or 079 followed by 7 digits, e.g. 079 123 4567."),
            code="invalid_mobile",
        )


def format_jordan_mobile(value: str | None) -> str:
    """+962791234567 → 079 123 4567, the way people read it."""
    if value and _MOBILE.match(value):
        local = "0" + value[4:]
        return f"{local[:3]} {local[3:6]} {local[6:]}"
    return value or ""


def validate_identity_number(id_type: str, number: str) -> str:
    """Check the form of an identity number for its type; return it cleaned. Raises ValidationError."""
    number = fold(number).replace(" ", "").upper()
    if id_type == IdentityDocumentType.NATIONAL_NUMBER:
        if not re.fullmatch(r"\d{10}", number):
            raise ValidationError(
                _("A national number has exactly 10 digits."), code="invalid_national_number"
            )
    elif id_type == IdentityDocumentType.PERSONAL_NUMBER:
        if not re.fullmatch(r"\d{8,12}", number):
            raise ValidationError(_("A personal number has 8 to 12 digits."), code="invalid_personal_number")
    elif not re.fullmatch(r"[A-Z0-9]{5,20}", number):
        raise ValidationError(
            _("A document number has 5 to 20 Latin letters or digits."), code="invalid_document_number"
        )
    return number
