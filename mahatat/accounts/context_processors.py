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
    # Role checks, not has_perm(): Django's ModelBackend would query the user's permissions on every page.
    from mahatat.training.rules import COHORT_VIEWER_ROLES, DESK_ROLES, PLANNING_ROLES, REPORT_ROLES

    training_items = [
        (DESK_ROLES, "training:desk", _("Enrol at the desk"), "training_desk"),
        (COHORT_VIEWER_ROLES, "training:staff_cohorts", _("Courses"), "training_cohorts"),
        (REPORT_ROLES, "training:reports", _("Training reports"), "training_reports"),
        (PLANNING_ROLES, "training:demand", _("Training needs"), "training_demand"),
    ]
    for allowed, url_name, label, name in training_items:
        if roles & set(allowed):
            staff.append({"url": reverse(url_name), "label": str(label), "name": name})
    # Django admin opens only to accounts marked for it (is_staff), whatever their role.
    if user is not None and user.is_authenticated and user.is_staff:
        staff.append({"url": reverse("admin:index"), "label": str(_("Administration")), "name": "admin"})
    return {
        "nav_items": items,
        "nav_staff_items": staff,
        "user_roles": roles,
        "is_staff_member": is_staff_member(user),  # type: ignore[arg-type]
    }
