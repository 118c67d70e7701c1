"""Who may do what, where: every scope check of the platform lives here.

A staff member holds roles through StaffAssignment rows, each over a scope (one station, an area, a
governorate, the whole network). The `rules` predicates below answer object questions ("may this user change
this station?"), and `stations_in_scope` answers list questions with one queryset filter, so pages and the API
apply the same rules. Permissions are registered with these predicates in rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import rules
from django.db.models import Q, QuerySet

from mahatat.stations.models import Station

from .models import STAFF_ROLES, Role, ScopeKind, StaffAssignment, User

STATION_BACKOFFICE_ROLES = (Role.STATION_MANAGER, Role.STATION_STAFF, Role.GAM_ADMIN, Role.NITC_COORDINATOR)
STATION_EDITOR_ROLES = (Role.STATION_MANAGER, Role.GAM_ADMIN)
PERSONAL_DATA_ROLES = (Role.STATION_MANAGER, Role.STATION_STAFF, Role.GAM_ADMIN)


def current_assignments(user: User | None) -> list[StaffAssignment]:
    """The user's current assignments, read once per user object (so once per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached: list[StaffAssignment] | None = getattr(user, "_current_assignments", None)
    if cached is None:
        cached = list(StaffAssignment.objects.current().filter(user=user))
        user._current_assignments = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: User | None) -> set[str]:
    """All roles a user holds: staff roles from assignments, plus citizen and business owner."""
    if user is None or not user.is_authenticated:
        return set()
    roles = {a.role for a in current_assignments(user)}
    if hasattr(user, "citizen_profile"):
        roles.add(Role.CITIZEN)
    if user.is_business_owner:
        roles.add(Role.BUSINESS_OWNER)
    return roles


def is_staff_member(user: User | None) -> bool:
    """Anyone holding a staff role, or with Django admin access: they must use MFA."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or roles_of(user) & STAFF_ROLES)


def _assignments_with(user: User | None, roles: Iterable[str]) -> list[StaffAssignment]:
    wanted = set(roles)
    return [a for a in current_assignments(user) if a.role in wanted]


def holds_role_over_station(user: User | None, station: Station | None, roles: Iterable[str]) -> bool:
    if station is None:
        return False
    return any(a.covers_station(station) for a in _assignments_with(user, roles))


def station_scope_q(user: User | None, roles: Iterable[str], *, path: str = "") -> Q:
    """A filter for the stations a user's roles cover. `path` is the route from the filtered model to its
    station ("" for Station itself, "station" for a model with a station foreign key).

    Matches nothing when the user has none of the roles, everything for a superuser.
    """

    def key(name: str) -> str:
        return f"{path}__{name}" if path else name

    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        # A superuser passes every permission check (Django's has_perm); lists must agree with that.
        return Q()
    condition = Q(pk__in=[])
    for a in _assignments_with(user, roles):
        if a.scope == ScopeKind.NETWORK:
            return Q()
        if a.scope == ScopeKind.STATION:
            condition |= Q(**{key("pk"): a.station_id})
        elif a.scope == ScopeKind.AREA:
            condition |= Q(**{key("area_id"): a.area_id})
        else:
            condition |= Q(**{key("governorate_id"): a.governorate_id})
    return condition


def stations_in_scope(
    user: User | None, roles: Iterable[str] = STATION_BACKOFFICE_ROLES
) -> QuerySet[Station]:
    return Station.objects.filter(station_scope_q(user, roles))


# --- rules predicates ---------------------------------------------------------------------------------------


def has_role(*roles: str) -> rules.Predicate:
    @rules.predicate(name=f"has_role({','.join(roles)})")
    def predicate(user: User) -> bool:
        return bool(roles_of(user) & set(roles))

    return predicate


def role_over_station(*roles: str) -> rules.Predicate:
    @rules.predicate(name=f"role_over_station({','.join(roles)})")
    def predicate(user: User, station: Station | None) -> bool:
        return holds_role_over_station(user, station, roles)

    return predicate


is_gam_admin = has_role(Role.GAM_ADMIN)
is_network_staff = has_role(*STATION_BACKOFFICE_ROLES)
works_at_station = role_over_station(*STATION_BACKOFFICE_ROLES)
edits_station = role_over_station(*STATION_EDITOR_ROLES)
handles_personal_data = has_role(*PERSONAL_DATA_ROLES)


@rules.predicate
def is_self(user: User, other: User | None) -> bool:
    return other is not None and user.pk == other.pk
