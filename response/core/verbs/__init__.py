"""One function per verb. Each validates, writes the change with its timeline entry and audit row
atomically, and announces it (see `response.core.events`).

Verbs join the caller's transaction (`transaction.atomic()`), so they compose: a
boundary that changes several things at once (a modal, an API request, a job) opens one
transaction around them and they commit, or fail, together. Alone, a verb is its own
transaction."""

from response.core.verbs._common import UNSET, Actor, Unset
from response.core.verbs.catalog import (
    check_services,
    delete_service,
    delete_team,
    save_service,
    save_team,
    set_services,
)
from response.core.verbs.exports import (
    link_action_to_tracker,
    record_action_export_failure,
    request_action_export,
)
from response.core.verbs.followup import (
    add_action,
    add_timeline_event,
    complete_action,
    edit_timeline_event,
    remove_timeline_event,
    remove_timeline_event_by_source,
    update_action,
)
from response.core.verbs.images import keep_timeline_image
from response.core.verbs.incident import (
    check_severity,
    check_status,
    declare_incident,
    declare_incident_once,
    move_incident,
    post_status_update,
    reopen_incident,
    resolve_incident,
    set_lead,
    set_severity,
    set_status,
    update_incident,
)
from response.core.verbs.people import (
    get_or_create_external_user,
    link_external_user,
    note_participant,
    update_external_user_profile,
)
from response.core.verbs.postmortem import (
    edit_postmortem_section,
    set_postmortem_owner,
    set_postmortem_state,
    start_postmortem,
    start_postmortem_once,
)
from response.core.verbs.roles import assign_role, unassign_role
from response.core.verbs.subscription import subscribe, toggle_subscription, unsubscribe
from response.core.verbs.times import set_key_times
from response.core.verbs.triage import (
    accept_triage,
    decline_triage,
    merge_triage,
    open_triage_incident,
)
from response.core.verbs.types import check_incident_type, set_type_and_fields

__all__ = [
    "UNSET",
    "Actor",
    "Unset",
    "accept_triage",
    "add_action",
    "add_timeline_event",
    "assign_role",
    "check_incident_type",
    "check_services",
    "check_severity",
    "check_status",
    "complete_action",
    "declare_incident",
    "declare_incident_once",
    "decline_triage",
    "delete_service",
    "delete_team",
    "edit_postmortem_section",
    "edit_timeline_event",
    "get_or_create_external_user",
    "keep_timeline_image",
    "link_action_to_tracker",
    "link_external_user",
    "merge_triage",
    "move_incident",
    "note_participant",
    "open_triage_incident",
    "post_status_update",
    "record_action_export_failure",
    "remove_timeline_event",
    "remove_timeline_event_by_source",
    "reopen_incident",
    "request_action_export",
    "resolve_incident",
    "save_service",
    "save_team",
    "set_key_times",
    "set_lead",
    "set_postmortem_owner",
    "set_postmortem_state",
    "set_services",
    "set_severity",
    "set_status",
    "set_type_and_fields",
    "start_postmortem",
    "start_postmortem_once",
    "subscribe",
    "toggle_subscription",
    "unassign_role",
    "unsubscribe",
    "update_action",
    "update_external_user_profile",
    "update_incident",
]
