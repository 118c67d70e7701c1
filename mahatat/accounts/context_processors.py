"""Navigation that follows the signed-in user's roles."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scope import PERSONAL_DATA_ROLES, STATION_BACKOFFICE_ROLES, is_staff_member, roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = roles_of(user)  # type: ignore[arg-type]
    items: list[dict[str, str]] = [
        {"url": reverse("home"), "label": str(_("Home")), "name": "home"},
        {"url": reverse("stations:directory"), "label": str(_("Stations")), "name": "directory"},
        {"url": reverse("training:catalogue"), "label": str(_("Training")), "name": "catalogue"},
    ]
    if user is not None and user.is_authenticated:
        items.append(
            {"url": reverse("training:my_training"), "label": str(_("My training")), "name": "my_training"}
        )
    staff: list[dict[str, str]] = []
    if roles & set(STATION_BACKOFFICE_ROLES):
        staff.append(
            {"url": reverse("stations:backoffice"), "label": str(_("Manage stations")), "name": "backoffice"}
        )
    if roles & set(PERSONAL_DATA_ROLES):
        staff.append(
            {
                "url": reverse("accounts:citizen_search"),
                "label": str(_("Find a citizen")),
                "name": "citizen_search",
            }
        )
    from mahatat.training.rules import DESK_ROLES

    if roles & set(DESK_ROLES):
        staff.append(
            {"url": reverse("training:desk"), "label": str(_("Enrol at the desk")), "name": "training_desk"}
        )
    if user is not None and user.has_perm("training.view_cohorts"):
        staff.append(
            {"url": reverse("training:staff_cohorts"), "label": str(_("Courses")), "name": "training_cohorts"}
        )
    if user is not None and user.has_perm("training.view_reports"):
        staff.append(
            {
                "url": reverse("training:reports"),
                "label": str(_("Training reports")),
                "name": "training_reports",
            }
        )
    if user is not None and user.has_perm("training.view_demand"):
        staff.append(
            {"url": reverse("training:demand"), "label": str(_("Training needs")), "name": "training_demand"}
        )
    # Django admin opens only to accounts marked for it (is_staff), whatever their role.
    if user is not None and user.is_authenticated and user.is_staff:
        staff.append({"url": reverse("admin:index"), "label": str(_("Administration")), "name": "admin"})
    return {
        "nav_items": items,
        "nav_staff_items": staff,
        "user_roles": roles,
        "is_staff_member": is_staff_member(user),  # type: ignore[arg-type]
    }
