"""Bootstrap 5 rendering of form fields, shared by the allauth pages and the account pages.

`{% form_widget bound_field %}` renders the field's widget with Bootstrap's classes, `is-invalid` and
`aria-invalid` when it has errors, and `aria-describedby` pointing at the error and help texts that
templates/accounts/_field.html prints under it. Inputs that hold e-mail addresses, phone numbers, codes or
identity numbers are written left to right even in an Arabic page.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from mahatat.accounts.identity import format_jordan_mobile

register = template.Library()

# Fields whose value reads left to right whatever the page's direction.
LTR_FIELDS = {
    "login",
    "email",
    "email2",
    "phone",
    "code",
    "id_number",
    "password",
    "password1",
    "password2",
    "oldpassword",
    "key",
    "secret",
}
# Fields that take a numeric one-time code (TOTP and recovery codes are digits in allauth).
CODE_FIELDS = {"code"}


def widget_kind(bound_field: BoundField) -> str:
    widget = bound_field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter(name="widget_kind")
def widget_kind_filter(bound_field: BoundField) -> str:
    return widget_kind(bound_field)


def describedby(bound_field: BoundField) -> str:
    ids = []
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_help")
    return " ".join(ids)


def widget_attrs(bound_field: BoundField) -> dict[str, Any]:
    kind = widget_kind(bound_field)
    existing = bound_field.field.widget.attrs
    css = {"checkbox": "form-check-input", "choices": "form-check-input", "select": "form-select"}.get(
        kind, "form-control"
    )
    classes = [existing.get("class", ""), css]
    attrs: dict[str, Any] = {}
    if bound_field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
    attrs["class"] = " ".join(c for c in classes if c)
    if described := describedby(bound_field):
        attrs["aria-describedby"] = described
    name = bound_field.name
    if name in LTR_FIELDS and "dir" not in existing:
        attrs["dir"] = "ltr"
    if name in CODE_FIELDS:
        attrs.setdefault("inputmode", "numeric")
        attrs.setdefault("autocomplete", existing.get("autocomplete", "one-time-code"))
        attrs.setdefault("spellcheck", "false")
    # A placeholder that repeats the visible label only adds noise for screen readers, and a right-to-left
    # placeholder in a left-to-right field reads badly: labels and help texts say it all.
    placeholder = existing.get("placeholder")
    if placeholder is not None and (
        str(placeholder).strip() == str(bound_field.label).strip() or attrs.get("dir") == "ltr"
    ):
        attrs["placeholder"] = False
    return attrs


@register.simple_tag
def form_widget(bound_field: BoundField, **extra: Any) -> SafeString:
    """The field's widget with Bootstrap classes and accessible attributes."""
    attrs = {**widget_attrs(bound_field), **extra}
    widget = copy.deepcopy(bound_field.field.widget)
    for key in [k for k, v in attrs.items() if v is False]:
        widget.attrs.pop(key, None)
        del attrs[key]
    if widget_kind(bound_field) == "choices":
        return _choices(bound_field, widget, attrs)
    return bound_field.as_widget(widget=widget, attrs=attrs)


def _choices(bound_field: BoundField, widget: forms.Widget, attrs: dict[str, Any]) -> SafeString:
    """Radio buttons or checkboxes, one Bootstrap form-check each."""
    attrs = {**attrs, "id": bound_field.auto_id}
    rows = []
    for choice in widget.subwidgets(bound_field.html_name, bound_field.value(), attrs):
        bound = BoundWidget(widget, choice, bound_field.form.renderer)
        rows.append((bound.tag(), bound.id_for_label, bound.choice_label))
    return format_html_join(
        "",
        '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
        rows,
    )


@register.simple_tag
def field_error_id(bound_field: BoundField) -> str:
    return f"{bound_field.auto_id}_error"


@register.filter
def visible_bound_fields(form: forms.BaseForm) -> list[BoundField]:
    return list(form.visible_fields())


@register.simple_tag
def hidden_fields(form: forms.BaseForm) -> SafeString:
    return format_html_join("", "{}", ((f,) for f in form.hidden_fields()))


@register.simple_tag
def ltr(value: object) -> SafeString:
    """A value that reads left to right (a number, an address) isolated inside right-to-left text."""
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def inline_svg(svg: str, label: str = "") -> SafeString:
    """An SVG document (the QR code allauth draws) as an inline, scalable, labelled image."""
    text = str(svg)
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :].lstrip()
    text = re.sub(r'\s(width|height)="[^"]*"', "", text, count=2)
    # The SVG comes from allauth's QR code builder, not from a user.
    return mark_safe(text.replace("<svg", f'<svg role="img" aria-label="{escape(label)}" class="qr-code"', 1))


@register.filter
def mobile(value: str | None) -> str:
    """+962791234567 → 079 123 4567, with no-break spaces so the number never splits across lines."""
    return format_jordan_mobile(value).replace(" ", "\u00a0")
