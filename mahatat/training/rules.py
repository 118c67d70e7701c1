"""Training permissions, built from the scope predicates of accounts/scope.py.

Object permissions take the station (or, for attendance, the cohort) as the object. List pages filter with
`stations_in_scope(user, <ROLES>)` using the role tuples below, so pages, the API and these rules agree.
"""

from __future__ import annotations

import rules

from mahatat.accounts.models import Role, User
from mahatat.accounts.scope import has_role, holds_role_over_station, role_over_station

from .models import Cohort

# Who runs cohorts at a station: creates them, schedules sessions, enrols walk-ins, sees enrolments.
COHORT_MANAGER_ROLES = (Role.STATION_MANAGER, Role.STATION_STAFF, Role.GAM_ADMIN, Role.NITC_COORDINATOR)
# Who may enrol a walk-in citizen (this touches personal data: identity numbers and phones).
DESK_ROLES = (Role.STATION_MANAGER, Role.STATION_STAFF, Role.GAM_ADMIN)
# Who may revoke a certificate.
CERTIFICATE_REVOKER_ROLES = (Role.STATION_MANAGER, Role.GAM_ADMIN, Role.NITC_COORDINATOR)
# Who reads training reports and the demand view (each over the stations of their scope).
REPORT_ROLES = (Role.STATION_MANAGER, Role.GAM_ADMIN, Role.NITC_COORDINATOR)
PLANNING_ROLES = COHORT_MANAGER_ROLES
# Who sees the staff list of courses (trainers see the ones they teach).
COHORT_VIEWER_ROLES = (*COHORT_MANAGER_ROLES, Role.TRAINER)


@rules.predicate
def teaches_cohort(user: User, cohort: Cohort | None) -> bool:
    if cohort is None or not getattr(user, "is_authenticated", False):
        return False
    return cohort.trainers.filter(user=user).exists() or cohort.sessions.filter(trainer__user=user).exists()


@rules.predicate
def runs_cohort_station(user: User, cohort: Cohort | None) -> bool:
    return cohort is not None and holds_role_over_station(user, cohort.station, COHORT_MANAGER_ROLES)


rules.add_perm("training.manage_programmes", has_role(Role.GAM_ADMIN, Role.NITC_COORDINATOR))
rules.add_perm(
    "training.manage_trainers", has_role(Role.GAM_ADMIN, Role.NITC_COORDINATOR, Role.STATION_MANAGER)
)
rules.add_perm("training.view_cohorts", has_role(*COHORT_VIEWER_ROLES))
rules.add_perm("training.manage_cohort", role_over_station(*COHORT_MANAGER_ROLES))  # obj: station
rules.add_perm("training.enrol_walk_in", role_over_station(*DESK_ROLES))  # obj: station
rules.add_perm("training.take_attendance", teaches_cohort | runs_cohort_station)  # obj: cohort
rules.add_perm("training.revoke_certificate", role_over_station(*CERTIFICATE_REVOKER_ROLES))  # obj: station
rules.add_perm("training.view_reports", has_role(*REPORT_ROLES))
rules.add_perm("training.view_demand", has_role(*PLANNING_ROLES))
