"""The triage post's buttons and modals (loaded as a plugin when a source's token is set).

Accept declares the incident at once; Decline and Merge into… open a modal (the one Slack call a
click may make: `views.open`, within the trigger's three seconds) whose submission calls the
verb. A refusal (someone else decided a moment before) is said in the modal, or to the person
who clicked, ephemerally."""

from __future__ import annotations

from typing import Any

from response.core import verbs
from response.core.errors import InvalidTransition, NotFound
from response.core.models import Incident, Status
from response.core.selectors import open_incidents
from response.integrations.alerts import slack
from response.integrations.alerts.blocks import (
    ACCEPT,
    DECLINE,
    DECLINE_MODAL,
    INTO_BLOCK,
    MAX_MERGE_CHOICES,
    MERGE,
    MERGE_MODAL,
    REASON_BLOCK,
    MergeChoice,
    render_decline_modal,
    render_merge_modal,
)
from response.slack.decorators import ActionContext, action_handler, modal_handler
from response.slack.inbound.forms import as_pk, choice_of, text_of
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user

slack.connect()


@action_handler(ACCEPT)
def accept(action_context: ActionContext) -> None:
    verbs.accept_triage(triage_incident(action_context), by=slack_user(action_context.user_id))


@action_handler(DECLINE)
def ask_why_not(action_context: ActionContext) -> None:
    incident = triage_incident(action_context)
    view = render_decline_modal(incident.pk, incident.title)
    request_path_client().views_open(trigger_id=action_context.trigger_id, view=view)


@action_handler(MERGE)
def ask_into_which(action_context: ActionContext) -> None:
    incident = triage_incident(action_context)
    candidates = open_incidents().filter(is_private=False).order_by("-reported_at")
    choices = [MergeChoice(i.pk, i.title) for i in candidates[:MAX_MERGE_CHOICES]]
    view = render_merge_modal(incident.pk, incident.title, choices)
    request_path_client().views_open(trigger_id=action_context.trigger_id, view=view)


@modal_handler(DECLINE_MODAL)
def decline(
    user_id: str, values: dict[str, Any], metadata: dict[str, Any], payload: dict[str, Any]
) -> dict[str, str] | None:
    incident = incident_of(metadata)
    verbs.decline_triage(incident, reason=text_of(values, REASON_BLOCK), by=slack_user(user_id))
    return None


@modal_handler(MERGE_MODAL)
def merge(
    user_id: str, values: dict[str, Any], metadata: dict[str, Any], payload: dict[str, Any]
) -> dict[str, str] | None:
    incident = incident_of(metadata)
    into_id = as_pk(choice_of(values, INTO_BLOCK))
    into = Incident.objects.filter(pk=into_id).first() if into_id is not None else None
    if into is None:
        return {INTO_BLOCK: "Choose the incident to merge it into."}
    verbs.merge_triage(incident, into=into, by=slack_user(user_id))
    return None


def triage_incident(action_context: ActionContext) -> Incident:
    """The incident a button of the triage post is about, still waiting for a decision."""
    incident = action_context.incident
    if incident is None:
        raise NotFound("That incident no longer exists.")
    if incident.status != Status.TRIAGE:
        raise InvalidTransition(
            f"Incident #{incident.pk} is not in triage any more "
            f"({incident.get_status_display().lower()}): someone decided already."
        )
    return incident


def incident_of(metadata: dict[str, Any]) -> Incident:
    incident_id = as_pk(metadata.get("incident_id"))
    incident = Incident.objects.filter(pk=incident_id).first() if incident_id is not None else None
    if incident is None:
        raise NotFound("That incident no longer exists.")
    return incident
