"""The status page in Slack: a headline button and `@Response statuspage` open the form; submitting
it queues a publication; a reminder when the public page goes stale; an offer to resolve the
public incident when ours is resolved. Loaded when `configured()` (response.integrations)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone
from slack_sdk.errors import SlackApiError, SlackClientError

from response.core.errors import InvalidInput, ResponseError
from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import Incident
from response.integrations import statuspage
from response.integrations.statuspage import jobs
from response.integrations.statuspage.blocks import (
    COMPONENT_PREFIX,
    MESSAGE,
    MODAL,
    NAME,
    OPEN_MODAL,
    RESOLVE_PUBLIC,
    STATUS,
    headline_button,
    render_open_button,
    render_publish_modal,
    render_resolve_offer,
    render_stale,
)
from response.integrations.statuspage.models import Publication, PublicIncident
from response.integrations.statuspage.publishing import request_publication
from response.integrations.statuspage.selectors import publish_form
from response.integrations.statuspage.statuses import ComponentState, PublicStatus
from response.notifications.registry import NotNow, notification_options
from response.notifications.scheduler import current_run
from response.slack.decorators import (
    ActionContext,
    action_handler,
    headline_post_action,
    incident_command,
    modal_handler,
    recurring_notification,
)
from response.slack.inbound.context import tell
from response.slack.inbound.forms import as_pk, choice_of, text_of
from response.slack.inbound.modals import SLOW_SLACK
from response.slack.models import HeadlinePost
from response.slack.outbound import outbox
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user
from response.slack.selectors import comms_channel_of

logger = logging.getLogger(__name__)

RESOLVED_MESSAGE = "This incident has been resolved."
# While nothing is published (or the public incident is resolved), the reminder looks again
# only this often, or when a change wakes it.
QUIET_MINS = 24 * 60
NO_CHANNEL_RETRY_MINS = 5
FIELD_BLOCKS = {"name": NAME, "status": STATUS}


@headline_post_action(order=250)
def status_page_button(headline_post: HeadlinePost) -> Any:
    if not headline_post.incident.is_open():  # loaded with the headline post when rendered
        return None
    return headline_button(headline_post.incident_id)


@incident_command(["statuspage"], helptext="Create or update the public status page incident.")
def offer_the_form(incident: Incident, user_id: str, message: str) -> tuple[bool, str | None]:
    # A mention carries no trigger id, and a modal opens only with one: a button does.
    channel = comms_channel_of(incident.pk)
    text, blocks = render_open_button(incident.pk)
    if channel is None:
        outbox.send_dm(user_id, text=text, blocks=blocks)
    else:
        outbox.post_ephemeral(channel.channel_id, user_id, text=text, blocks=blocks)
    return True, None


@action_handler(OPEN_MODAL)
def open_the_form(action: ActionContext) -> None:
    incident = action.incident
    if incident is None:
        raise ResponseError("This incident no longer exists.")
    # The form opens from the components we have (Statuspage is not asked within Slack's three
    # seconds); they are fetched again for the next time, or for this form when we had none.
    form = publish_form(incident)
    view_id = _open(action, render_publish_modal(form))
    if view_id and form.components_as_of is None:
        jobs.fill_form_when_listed(view_id=view_id, incident_id=incident.pk)
    else:
        jobs.refresh_components()


def _open(action: ActionContext, view: dict) -> str | None:
    """views.open (the one Slack call a request makes); the view's id, or None when Slack
    refused or was too slow (the person is told)."""
    try:
        if not action.trigger_id:
            raise SlackClientError("no trigger id")
        answer = request_path_client().views_open(trigger_id=action.trigger_id, view=view)
    except (SlackApiError, SlackClientError, OSError) as error:
        logger.warning("views.open failed: %s", error)
        tell(action.user_id, SLOW_SLACK, channel_id=action.channel_id)
        return None
    return str((answer.get("view") or {}).get("id") or "") or None


@modal_handler(MODAL)
def submit_the_form(
    user_id: str, values: dict, metadata: dict, payload: dict
) -> dict[str, str] | None:
    incident_id = as_pk(metadata.get("incident_id"))
    incident = Incident.objects.filter(pk=incident_id).first() if incident_id else None
    if incident is None:
        return {NAME: "This incident no longer exists."}
    body = text_of(values, MESSAGE).strip()
    if not body:
        return {MESSAGE: "Write what the public should read."}
    components = {
        block[len(COMPONENT_PREFIX) :]: state
        for block, state in values.items()
        if block.startswith(COMPONENT_PREFIX) and isinstance(state, str)
    }
    try:
        request_publication(
            incident,
            key=f"slack-view:{payload['view']['id']}",
            name=text_of(values, NAME),
            status=choice_of(values, STATUS) or "",
            body=body,
            components=components,
            by=slack_user(user_id),
        )
    except InvalidInput as error:
        return {FIELD_BLOCKS.get(error.field or "", NAME): error.message}
    return None


@action_handler(RESOLVE_PUBLIC)
def resolve_publicly(action: ActionContext) -> None:
    incident = action.incident
    if incident is None:
        raise ResponseError("This incident no longer exists.")
    last = (
        Publication.objects.filter(incident=incident, state=Publication.State.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )
    # Keyed by the message the button is in: pressed twice, published once.
    request_publication(
        incident,
        key=f"resolve-button:{incident.pk}:{action.message_ts or ''}",
        name=last.name if last else incident.title,
        status=PublicStatus.RESOLVED,
        body=RESOLVED_MESSAGE,
        components=dict.fromkeys(last.components if last else {}, ComponentState.OPERATIONAL),
        by=slack_user(action.user_id),
    )
    tell(
        action.user_id,
        "✅ The public incident will be resolved in a moment.",
        channel_id=action.channel_id,
    )


@notification_options(wake_on=(Change.SEVERITY,))
@recurring_notification(interval_mins=10, max_notifications=100)
def status_page_stale(incident: Incident) -> None:
    """The public incident has not been updated for the severity's update cadence (critical 30
    min, major 60: Severity.update_cadence_mins): remind the lead, with the form's button."""
    cadence = incident.severity.update_cadence_mins if incident.severity else None
    if not cadence:
        raise NotNow("no cadence at this severity", retry_in_mins=QUIET_MINS)
    public = PublicIncident.objects.filter(incident=incident).first()
    if public is None or public.status == PublicStatus.RESOLVED:
        # Published now, it would be due a cadence from now at the earliest.
        raise NotNow("nothing public to keep fresh", retry_in_mins=cadence)
    run = current_run()
    now = run.now if run else timezone.now()
    moments = [public.last_published_at, run.last_sent_at if run else None]
    due = max(m for m in moments if m is not None) + timedelta(minutes=cadence)
    if now < due:
        raise NotNow("the status page was updated recently", at=due)
    if comms_channel_of(incident.pk) is None:
        raise NotNow("the incident has no comms channel", retry_in_mins=NO_CHANNEL_RETRY_MINS)
    text, blocks = render_stale(
        incident.pk,
        lead_id=incident.lead.external_id if incident.lead else None,
        minutes_since=int((now - public.last_published_at).total_seconds() // 60),
    )
    outbox.post_to_incident_channel(incident.pk, text=text, blocks=blocks)


def offer_public_resolution(sender: object, event: IncidentChanged, **kwargs: Any) -> None:
    """Ours resolved while the public incident is open: offer to resolve it (a row: a job)."""
    if event.kind != Change.RESOLVED or not statuspage.configured():
        return
    public = PublicIncident.objects.filter(incident_id=event.incident_id).first()
    if public is None or public.status == PublicStatus.RESOLVED:
        return
    text, blocks = render_resolve_offer(event.incident_id, link=public.shortlink)
    outbox.post_to_incident_channel(event.incident_id, text=text, blocks=blocks)


# Not weak: a test loads this module afresh, and nothing else holds the function.
incident_changed.connect(offer_public_resolution, weak=False, dispatch_uid="statuspage.resolved")
