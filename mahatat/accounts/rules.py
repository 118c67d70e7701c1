"""Permissions of the platform, each defined by the scope predicates of scope.py."""

import rules

from .scope import (
    edits_station,
    handles_personal_data,
    is_gam_admin,
    is_network_staff,
    is_self,
    works_at_station,
)

rules.add_perm("stations.add_station", is_gam_admin)
rules.add_perm("stations.delete_station", is_gam_admin)
rules.add_perm("stations.change_station", edits_station)
rules.add_perm("stations.view_backoffice", is_network_staff)
rules.add_perm("stations.view_station_backoffice", works_at_station)
rules.add_perm("stations.add_publicholiday", is_gam_admin)
rules.add_perm("stations.change_publicholiday", is_gam_admin)
rules.add_perm("stations.delete_publicholiday", is_gam_admin)
rules.add_perm("accounts.reveal_identity_number", handles_personal_data)
rules.add_perm("accounts.view_profile", is_self | handles_personal_data)
rules.add_perm("accounts.manage_assignments", is_gam_admin)
