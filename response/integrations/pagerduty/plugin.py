"""PagerDuty in Slack, built from the plugin building blocks (loaded when `configured()`):

- the headline's "📟 Page on-call" button and `@Response page [service]` open the modal, at
  once, from the services known (PagerDuty is asked afterwards, by a job that refreshes the
  modal in place when its list was stale);
- submitting it records the page (one per incident and service) and queues it;
- resolving the incident while pages are open offers to resolve them in PagerDuty.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ButtonElement

from response.core.errors import InvalidInput
from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import Incident
from response.integrations.pagerduty import blocks, configured, jobs
from response.integrations.pagerduty.models import Page, Service
from response.slack.blocks.text import escape
from response.slack.decorators import (
    ActionContext,
    action_handler,
    headline_post_action,
    incident_command,
    modal_handler,
)
from response.slack.inbound.forms import as_pk, choice_of, metadata_text, text_of
from response.slack.models import CommsChannel, HeadlinePost
from response.slack.outbound import outbox
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user


@headline_post_action(order=150)
def page_on_call_button(headline_post: HeadlinePost) -> ButtonElement | None:
    if headline_post.incident.is_closed():
        return None
    return ButtonElement(
        text="📟 Page on-call", action_id=blocks.PAGE_BUTTON, value=str(headline_post.incident_id)
    )


@action_handler(blocks.PAGE_BUTTON)
def open_page_modal(action_context: ActionContext) -> None:
    incident = action_context.incident
    if incident is None:
        raise InvalidInput("This button belongs to an incident that no longer exists.")
    _open_modal(action_context, incident, chosen=None)


@action_handler(blocks.PAGE_SERVICE_BUTTON)
def open_page_modal_for_service(action_context: ActionContext) -> None:
    incident_id, _, service_id = (action_context.value or "").partition(":")
    incident = Incident.objects.filter(pk=as_pk(incident_id) or 0).first()
    if incident is None:
        raise InvalidInput("This button belongs to an incident that no longer exists.")
    _open_modal(action_context, incident, chosen=service_id or None)


def _open_modal(action_context: ActionContext, incident: Incident, *, chosen: str | None) -> None:
    """Open the modal from what is known (Slack's trigger lasts three seconds: no PagerDuty call
    here); when that is stale, a job asks PagerDuty and updates the modal in place."""
    if incident.is_closed():
        raise InvalidInput("This incident is closed: reopen it to page someone.")
    channel_id = action_context.channel_id or ""
    form = jobs.page_form(incident, channel_id, chosen)
    opened = request_path_client().views_open(
        trigger_id=action_context.trigger_id, view=blocks.render_page_modal(form)
    )
    if jobs.services_are_stale():
        jobs.refresh_services(
            view_id=opened["view"]["id"],
            incident_id=incident.pk,
            channel_id=channel_id,
            chosen=chosen or "",
        )


@modal_handler(blocks.PAGE_MODAL)
def submit_page(user_id: str, values: dict, metadata: dict, payload: dict) -> dict | None:
    incident = Incident.objects.filter(pk=as_pk(metadata.get("incident_id")) or 0).first()
    service = Service.objects.filter(pagerduty_id=choice_of(values, blocks.SERVICE) or "").first()
    if incident is None:
        return {blocks.SERVICE: "This incident no longer exists."}
    if service is None:
        return {blocks.SERVICE: "Choose a service to page."}
    urgency = choice_of(values, blocks.URGENCY) or Page.Urgency.HIGH
    if urgency not in Page.Urgency.values:
        return {blocks.URGENCY: "Choose high or low."}
    channel_id = metadata_text(metadata, "channel_id") or _comms_channel_id(incident)
    page, created = jobs.request_page(
        incident,
        service=service,
        urgency=urgency,
        message=text_of(values, blocks.MESSAGE).strip(),
        requested_by=slack_user(user_id),
        slack_user_id=user_id,
        channel_id=channel_id,
    )
    if channel_id:
        text = (
            blocks.render_page_requested(service.name)
            if created
            else f"{escape(service.name)} was already paged for this incident "
            f"({page.get_status_display().lower()})."
        )
        outbox.post_ephemeral(channel_id, user_id, text=text)
    return None


@incident_command(["page"], helptext="Page a PagerDuty service's on-call: `page [service]`")
def list_services_to_page(incident: Incident, user_id: str, message: str) -> tuple[bool, Any]:
    if incident.is_closed():
        return True, "This incident is closed: reopen it to page someone."
    wanted = message.strip()
    known = Service.objects.all()
    if wanted:
        known = known.filter(name__icontains=wanted)
    choices = [blocks.ServiceChoice(s.pagerduty_id, s.name, tuple(s.on_call)) for s in known]
    if jobs.services_are_stale():
        jobs.refresh_services()
    channel_id = _comms_channel_id(incident)
    text, message_blocks = blocks.render_services(incident.pk, choices, wanted=wanted)
    outbox.post_ephemeral(channel_id, user_id, text=text, blocks=message_blocks)
    return True, None


@action_handler(blocks.RESOLVE_PAGES_BUTTON)
def resolve_open_pages(action_context: ActionContext) -> None:
    incident = action_context.incident
    if incident is None:
        raise InvalidInput("This button belongs to an incident that no longer exists.")
    person = slack_user(action_context.user_id)
    count = jobs.resolve_pages(incident.pk, by=person.display_name or person.external_id)
    if action_context.channel_id:
        text = (
            f"Resolving {count} page{'s' if count != 1 else ''} in PagerDuty…"
            if count
            else "No page of this incident is open in PagerDuty."
        )
        outbox.post_ephemeral(action_context.channel_id, action_context.user_id, text=text)


def _comms_channel_id(incident: Incident) -> str:
    channel = CommsChannel.objects.filter(incident=incident).first()
    return channel.channel_id if channel else ""


def offer_to_resolve_pages(sender: object, event: IncidentChanged, **kwargs: object) -> None:
    """Runs in the transaction that resolved the incident: only queues the offer. (Connected
    for the life of the process once loaded: switched off since, it asks nothing of the
    database.)"""
    if event.kind == Change.RESOLVED and configured():
        jobs.offer_to_resolve(event.incident_id)


incident_changed.connect(offer_to_resolve_pages, dispatch_uid="response.integrations.pagerduty")
