"""The API's writes that need more than one verb, validated up front so a bad field changes
nothing. Everything still goes through the core verbs, which audit each change."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from response.api.queries import check_user
from response.core import verbs
from response.core.errors import InvalidTransition
from response.core.models import Action, Incident
from response.core.selectors import chat_account_of, visible_incidents
from response.core.verbs import UNSET

INCIDENT_DETAILS = ("title", "summary", "impact", "started_at", "is_private")
# The key times corrected with set_key_times (a start alone is a detail, as it always was).
KEY_TIMES = ("detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
ACTION_DETAILS = ("text", "due_date", "priority", "external_url")


def declare_from_api(
    user, *, fields: dict[str, Any], idempotency_key: str | None
) -> tuple[Incident, bool]:
    """Declare through the same verb as Slack; returns (incident, created).

    A `dedup_key` names the alert behind the incident and is global (two alerting systems may share
    it); an Idempotency-Key header is a client's retry key and is scoped to the user sending it.
    """
    dedup_key = fields.pop("dedup_key", None)
    if dedup_key:
        dedup_key = f"api:{dedup_key}"
    elif idempotency_key:
        dedup_key = f"api:{user.pk}:{idempotency_key}"
    lead = check_user(fields.pop("lead_id", None), field="lead_id")
    incident_type = fields.pop("type", None)
    services = verbs.check_services(fields.pop("services", None) or [])
    # Whether it was declared by this call or an earlier one (perhaps a moment ago, in a request
    # racing this one) is the verb's to say: a look before calling it could not tell.
    with transaction.atomic():  # the incident and its services, together
        incident, created = verbs.declare_incident_once(
            **fields,
            incident_type=incident_type,
            lead=lead,
            reporter=chat_account_of(user),
            dedup_key=dedup_key,
            by=user,
        )
        if created and services:
            verbs.set_services(incident, services, by=user)
    if not created and not visible_incidents(user).filter(pk=incident.pk).exists():
        raise InvalidTransition(
            "This dedup key was already used for an incident you cannot see.", field="dedup_key"
        )
    return incident, created


def patch_incident(incident: Incident, *, changes: dict[str, Any], by) -> Incident:
    """Apply a partial update: details, severity, lead, then status, each through its verb, in
    one transaction: a change refused (an impossible status, say) leaves nothing changed."""
    severity = verbs.check_severity(changes["severity"]) if "severity" in changes else UNSET
    lead = check_user(changes["lead_id"], field="lead_id") if "lead_id" in changes else UNSET
    status = verbs.check_status(changes["status"]) if changes.get("status") else None
    services = verbs.check_services(changes["services"] or []) if "services" in changes else None
    if status == incident.status:
        status = None  # asking for the state it is already in changes nothing
    details = {k: changes[k] for k in INCIDENT_DETAILS if k in changes}
    key_times = {k: changes[k] for k in KEY_TIMES if k in changes}
    if key_times and "started_at" in details:
        key_times["started_at"] = details.pop("started_at")  # their order is checked together
    with transaction.atomic():
        if details:
            verbs.update_incident(incident, **details, by=by)

        if "type" in changes or "fields" in changes:
            verbs.set_type_and_fields(
                incident,
                incident_type=changes.get("type", UNSET),
                fields=changes.get("fields") or {},
                by=by,
            )
        if severity is not UNSET:
            verbs.set_severity(incident, severity, by=by)
        if lead is not UNSET:
            verbs.set_lead(incident, lead, by=by)
        if services is not None:
            verbs.set_services(incident, services, by=by)
        if status is not None:
            # Another request may have moved it there since `incident` was read: then it is done.
            verbs.move_incident(incident, status, by=by, if_needed=True)
        if key_times:
            # Last: a resolution time needs the incident resolved, and a time given here wins
            # over the one the status change noted (mitigated when it reached monitoring).
            verbs.set_key_times(incident, **key_times, by=by)
    return incident


def patch_action(action: Action, *, changes: dict[str, Any], by) -> Action:
    """Details, then done, in one transaction: two PATCHes at once apply one after the other,
    never half of one over the other."""
    details = {k: changes[k] for k in ACTION_DETAILS if k in changes}
    if "owner_id" in changes:
        details["owner"] = check_user(changes["owner_id"], field="owner_id")
    with transaction.atomic():
        if details:
            verbs.update_action(action, **details, by=by)
        if changes.get("done") is not None:
            verbs.complete_action(action, done=changes["done"], by=by)
    return action


def patch_postmortem(incident: Incident, *, changes: dict[str, Any], by) -> None:
    """Start the post-mortem if needed, then the sections, the owner and the state, each
    through its verb, in one transaction: a refusal (a stale section, a state the incident does
    not allow yet) leaves nothing changed. The state comes last, so that one request can write
    the root cause and mark the post-mortem done."""
    owner = check_user(changes["owner_id"], field="owner_id") if "owner_id" in changes else UNSET
    with transaction.atomic():
        postmortem = verbs.start_postmortem(incident, refresh_prefill=False, by=by)
        for key, section in (changes.get("sections") or {}).items():
            verbs.edit_postmortem_section(
                postmortem, key, section["text"], base_version=section.get("version"), by=by
            )
        if owner is not UNSET:
            verbs.set_postmortem_owner(postmortem, owner, by=by)
        if changes.get("state"):
            verbs.set_postmortem_state(postmortem, changes["state"], by=by)
