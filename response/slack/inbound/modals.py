"""Modals: opening them (the one Slack call made before answering) and their submissions."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from slack_sdk.errors import SlackApiError, SlackClientError

from response.core import verbs
from response.core.errors import ResponseError
from response.core.models import Incident, Status
from response.slack.blocks import ids
from response.slack.blocks.declare import render_recent_incidents
from response.slack.blocks.modals import (
    NEXT_UPDATE_CADENCE,
    NEXT_UPDATE_CHOICES,
    render_declare_modal,
    render_field_modal,
    render_update_modal,
)
from response.slack.blocks.types import error_block
from response.slack.inbound.context import APOLOGY, tell
from response.slack.inbound.forms import (
    as_pk,
    choice_of,
    choices_of,
    metadata_text,
    person_of,
    text_of,
    view_metadata,
    view_values,
)
from response.slack.inbound.source import recent_incidents, remember_source
from response.slack.inbound.types import edit_modal, submitted_type, type_choices
from response.slack.outbound.outbox import confirm_declaration
from response.slack.people import slack_user, slack_user_or_none
from response.slack.selectors import service_choices, severity_choices

logger = logging.getLogger(__name__)

# Which modal block shows the error of which domain field.
FIELD_BLOCKS = {
    "title": ids.TITLE,
    "summary": ids.SUMMARY,
    "impact": ids.IMPACT,
    "severity": ids.SEVERITY,
    "services": ids.SERVICES,
    "update": ids.UPDATE_TEXT,
    "status": ids.STATUS,
    "next_update": ids.NEXT_UPDATE,
}
SLOW_SLACK = "😵 Slack did not let me open the form in time. Please try again."


def open_view(client, *, trigger_id: str | None, view: dict) -> str | None:
    """Open a modal; returns a message for the person when Slack refused or was too slow."""
    if not trigger_id:
        return SLOW_SLACK
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except (SlackApiError, SlackClientError, OSError) as error:
        logger.warning("views.open failed: %s", error)
        return SLOW_SLACK
    return None


def open_declare_modal(
    client,
    *,
    trigger_id: str | None,
    title: str,
    channel_id: str | None,
    summary: str = "",
    source: dict | None = None,
):
    """`source`: the message it is declared from (response.slack.inbound.declare_from)."""
    metadata: dict = {"channel_id": channel_id}
    if source:
        metadata["source"] = source
    view = render_declare_modal(
        title=title[:255],
        summary=summary,
        severities=severity_choices(),
        report_only_allowed=settings.RESPONSE_REPORT_ONLY_ENABLED,
        metadata=metadata,
        above=render_recent_incidents(recent_incidents(), site_url=settings.SITE_URL),
        types=type_choices(),
        services=service_choices(),
    )
    return open_view(client, trigger_id=trigger_id, view=view)


def open_edit_modal(client, *, trigger_id: str | None, incident: Incident):
    return open_view(client, trigger_id=trigger_id, view=edit_modal(incident))


def open_field_modal(client, *, trigger_id: str | None, incident: Incident, field: str):
    view = render_field_modal(incident_id=incident.pk, field=field, value=getattr(incident, field))
    return open_view(client, trigger_id=trigger_id, view=view)


def open_update_modal(client, *, trigger_id: str | None, incident: Incident):
    severity = incident.severity
    view = render_update_modal(
        incident_id=incident.pk,
        status=incident.status,
        title=incident.title,
        cadence_mins=severity.update_cadence_mins if severity else None,
    )
    return open_view(client, trigger_id=trigger_id, view=view)


def modal_errors(error: ResponseError, *, type_slug: str | None = None) -> dict:
    """The refusal shown by the block it is about (a field of the type `type_slug`, in a modal
    that shows that type's fields), else by the title."""
    block = error_block(error.field, type_slug) or FIELD_BLOCKS.get(error.field or "", ids.TITLE)
    return {"response_action": "errors", "errors": {block: error.message}}


def _incident_from(view: dict) -> Incident | None:
    incident_id = as_pk(view_metadata(view).get("incident_id"))
    return Incident.objects.filter(pk=incident_id).first() if incident_id else None


def submit_declare(ack, body, view):
    values = view_values(view)
    # Ticked or not, the box says what the declarer wants ("private by default" ticks it).
    options = choices_of(values, ids.OPTIONS) + choices_of(values, ids.OPTIONS_PRIVATE)
    user = slack_user(body["user"]["id"])
    metadata = view_metadata(view)
    incident_type, fields, not_ready = submitted_type(view)
    if not_ready:
        return ack(response_action="errors", errors={ids.TYPE: not_ready})
    try:
        with transaction.atomic():  # the incident and the message it was declared from
            incident = verbs.declare_incident(
                title=text_of(values, ids.TITLE),
                summary=text_of(values, ids.SUMMARY),
                impact=text_of(values, ids.IMPACT),
                severity=choice_of(values, ids.SEVERITY),
                lead=slack_user_or_none(person_of(values, ids.LEAD)),
                reporter=user,
                is_private=ids.OPTION_PRIVATE in options,
                is_report_only=settings.RESPONSE_REPORT_ONLY_ENABLED
                and ids.OPTION_REPORT_ONLY in options,
                dedup_key=f"slack-view:{view['id']}",
                incident_type=incident_type,
                fields=fields,
                by=user,
            )
            if services := choices_of(values, ids.SERVICES):
                verbs.set_services(incident, services, by=user)
            remember_source(incident, metadata, by=user)
    except ResponseError as error:
        return ack(**modal_errors(error, type_slug=incident_type))
    ack()
    confirm_declaration(
        incident.pk,
        channel_id=metadata_text(metadata, "channel_id"),
        user_id=user.external_id,
    )


def submit_edit(ack, body, view):
    incident = _incident_from(view)
    if incident is None:
        return ack(response_action="errors", errors={ids.TITLE: "This incident no longer exists."})
    values = view_values(view)
    user = slack_user(body["user"]["id"])
    incident_type, fields, not_ready = submitted_type(view)
    if not_ready:
        return ack(response_action="errors", errors={ids.TYPE: not_ready})
    try:
        with transaction.atomic():  # all of the form, or none of it
            verbs.update_incident(
                incident,
                title=text_of(values, ids.TITLE),
                summary=text_of(values, ids.SUMMARY),
                impact=text_of(values, ids.IMPACT),
                by=user,
            )
            verbs.set_severity(incident, choice_of(values, ids.SEVERITY), by=user)
            verbs.set_lead(incident, slack_user_or_none(person_of(values, ids.LEAD)), by=user)
            if incident_type is not None:  # the verb writes nothing when nothing changed
                verbs.set_type_and_fields(
                    incident, incident_type=incident_type, fields=fields, by=user
                )
    except ResponseError as error:
        return ack(**modal_errors(error, type_slug=incident_type))
    ack()


def submit_field(ack, body, view):
    incident = _incident_from(view)
    field = metadata_text(view_metadata(view), "field")
    if incident is None or field not in {"summary", "impact"}:
        return ack(response_action="errors", errors={ids.FIELD_VALUE: "This form is out of date."})
    change: dict[str, Any] = {field: text_of(view_values(view), ids.FIELD_VALUE)}
    try:
        verbs.update_incident(incident, **change, by=slack_user(body["user"]["id"]))
    except ResponseError as error:
        return ack(response_action="errors", errors={ids.FIELD_VALUE: error.message})
    ack()


def submit_update(ack, body, view):
    incident = _incident_from(view)
    if incident is None:
        return ack(
            response_action="errors", errors={ids.UPDATE_TEXT: "This incident no longer exists."}
        )
    values = view_values(view)
    user = slack_user(body["user"]["id"])
    text = text_of(values, ids.UPDATE_TEXT).strip()
    if not text:
        return ack(response_action="errors", errors={ids.UPDATE_TEXT: "Write what changed."})
    next_update = choice_of(values, ids.NEXT_UPDATE)
    if next_update not in (None, NEXT_UPDATE_CADENCE, *NEXT_UPDATE_CHOICES):
        return ack(response_action="errors", errors={ids.NEXT_UPDATE: "This form is out of date."})
    next_update_in = (
        timedelta(minutes=int(next_update)) if next_update in NEXT_UPDATE_CHOICES else None
    )
    try:
        with transaction.atomic():
            status = choice_of(values, ids.STATUS)
            if status and status != incident.status and incident.status != Status.RESOLVED:
                verbs.set_status(incident, status, by=user)
            verbs.post_status_update(incident, text, by=user, next_update_in=next_update_in)
    except ResponseError as error:
        return ack(**modal_errors(error))
    ack()


def plugin_submission(callback_id: str, handler):
    """The Bolt listener for a @modal_handler: `handler(user_id, values, metadata, payload)`
    may return {block_id: error} to show in the modal."""

    def submit_plugin_modal(ack, body, view):
        user_id = body["user"]["id"]
        try:
            with transaction.atomic():
                errors = handler(user_id, view_values(view), view_metadata(view), body)
        except ResponseError as error:
            errors = {next(iter(view_values(view)), "x"): error.message}
        except Exception:
            logger.exception("Modal handler for %s failed", callback_id)
            ack()
            tell(user_id, APOLOGY)
            return None
        if errors:
            return ack(response_action="errors", errors=errors)
        return ack()

    return submit_plugin_modal
