"""How Slack follows the incident: a receiver of the core's announcements that queues the Slack
work each change needs, in the transaction of the change. It never calls Slack itself."""

from __future__ import annotations

from django.conf import settings

from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import ExternalUser, Incident
from response.core.models.incident import TRIAGE_STATUSES
from response.slack.blocks.messages import (
    render_action_recorded,
    render_resolved,
    render_status_update,
)
from response.slack.blocks.text import escape, mention
from response.slack.channel_life import follow_change, on_channel_wanted
from response.slack.inbound.context import SAID_IN_CHANNEL
from response.slack.outbound import outbox
from response.slack.roles import on_lead_changed, on_role_changed
from response.slack.selectors import (
    comms_channel_id,
    follow_up_action_buttons,
    incident_data,
    services_of,
)

# Changes a command typed in the channel shows well enough by itself.
SEEN_WHEN_SAID = {Change.SEVERITY, Change.STATUS, Change.SERVICES}

# Changes that show on the headline post and the channel topic.
SHOWN = {
    Change.DECLARED,
    Change.UPDATED,
    Change.LEAD,
    Change.SEVERITY,
    Change.STATUS,
    Change.RESOLVED,
    Change.REOPENED,
    Change.SERVICES,
}


def connect() -> None:
    incident_changed.connect(on_incident_changed, dispatch_uid="response.slack")


def on_incident_changed(sender, event: IncidentChanged, **kwargs) -> None:
    if not settings.SLACK_BOT_TOKEN:
        return  # Slack is not set up: the web UI and API work alone
    incident = event.incident or Incident.objects.select_related("severity", "lead").get(
        pk=event.incident_id
    )
    if incident.status in TRIAGE_STATUSES:
        return  # not an incident (yet): no channel, no headline; the triage post is its place
    if event.kind == Change.DECLARED:
        return on_declared(incident)
    if event.kind == Change.MADE_PRIVATE:
        return on_made_private(incident, event)
    if event.kind == Change.REOPENED and comms_channel_id(incident.pk) is None:
        # A report-only incident that turns out to be live gets its channel now.
        on_declared(incident)
        return announce_in_channel(incident, event)
    follow_change(incident, event)  # first: a reopened channel is unarchived before it is told
    if event.kind == Change.ROLE:
        return on_role_changed(incident, event, by=by_whom(event))
    if event.kind in SHOWN:
        outbox.sync_incident(incident.pk, debounce=True)
    if event.kind == Change.LEAD:
        on_lead_changed(incident)
    announce_in_channel(incident, event)


def on_declared(incident: Incident) -> None:
    # The channel first, so the headline's one chat.postMessage already shows it.
    channel_wanted = incident.is_open() and settings.RESPONSE_AUTO_CREATE_CHANNEL
    if channel_wanted:
        outbox.create_comms_channel(incident.pk)
    outbox.sync_incident(incident.pk)
    if channel_wanted:
        on_channel_wanted(incident)  # after the headline: reading user groups takes a moment


def on_made_private(incident: Incident, event: IncidentChanged) -> None:
    """Nothing new about it where others can read: the headline says only that it is private,
    its people move to a private channel (the public one is archived), and whoever did it is
    told what happened."""
    actor = ExternalUser.objects.filter(pk=event.actor_id).first() if event.actor_id else None
    requested_by = actor.external_id if actor else None
    if comms_channel_id(incident.pk) is not None:
        outbox.move_to_private_channel(incident.pk, requested_by=requested_by)
    outbox.sync_incident(incident.pk)
    if requested_by:
        outbox.send_dm(
            requested_by,
            text=(
                f"🔒 Incident #{incident.pk} is private now. Its headline post in the incidents "
                "channel says only that, and its conversation moves to a private channel "
                "(everyone in the old one is invited; the old one is archived)."
            ),
        )


def by_whom(event: IncidentChanged) -> str:
    """ " (by Dana, on the web)" for a change made outside Slack; Slack shows its own people."""
    if event.origin is None:
        return ""
    return f" (by {escape(event.actor_name or 'Response')}, {event.origin.phrase})"


def announce_in_channel(incident: Incident, event: IncidentChanged) -> None:
    post = outbox.post_to_incident_channel
    channel_id = comms_channel_id(incident.pk)
    has_channel = channel_id is not None
    kind = event.kind
    if kind in SEEN_WHEN_SAID and channel_id is not None and SAID_IN_CHANNEL.get() == channel_id:
        return  # typed in the channel for all to see, and answered with a ✅
    if kind == Change.STATUS_UPDATE:
        entries = incident.timeline_events.select_related("author")
        entry = entries.filter(pk=event.object_id).first() if event.object_id else None
        if entry is None:
            return
        author = entry.author.external_id if entry.author else None
        text = render_status_update(
            incident_data(incident, with_plugin_buttons=False), author_id=author, text=entry.text
        )
        if has_channel:
            post(incident.pk, text=text)
        if not incident.is_private:  # the headline's thread is in a channel anyone can read
            outbox.reply_in_headline_thread(incident.pk, text=text)
        return
    if not has_channel:
        return
    if kind == Change.LEAD and incident.lead:
        outbox.invite_to_incident_channel(incident.pk, [incident.lead.external_id])
        post(
            incident.pk,
            text=f"👑 {mention(incident.lead.external_id)} is now leading this incident"
            f"{by_whom(event)}.",
        )
    elif kind == Change.SEVERITY:
        severity = incident.severity
        post(
            incident.pk,
            text=f"Severity is now {escape(f'{severity.emoji} {severity.name}')}{by_whom(event)}."
            if severity
            else f"Severity unset{by_whom(event)}.",
        )
    elif kind == Change.SERVICES:
        names = ", ".join(services_of(incident.pk)) or "none"
        post(incident.pk, text=f"🧩 Affected services: {escape(names)}{by_whom(event)}.")
    elif kind == Change.STATUS:
        post(
            incident.pk,
            text=f"Status is now *{incident.get_status_display()}*{by_whom(event)}.",
        )
    elif kind == Change.RESOLVED:
        post(
            incident.pk,
            text=render_resolved(
                incident_data(incident, with_plugin_buttons=False),
                site_url=settings.SITE_URL,
                by=by_whom(event),
            ),
        )
        # The lead is asked to write it up by response.slack.reminders.write_up.
    elif kind == Change.REOPENED:
        post(
            incident.pk,
            text=f"🔁 Incident #{incident.pk} is open again ({incident.get_status_display()})"
            f"{by_whom(event)}.",
        )
    elif kind == Change.ACTION_ADDED:
        actions = incident.actions.select_related("owner")
        action = actions.filter(pk=event.object_id).first() if event.object_id else None
        if action is not None:
            text, blocks = render_action_recorded(
                action.text,
                follow_up_action_buttons(action),
                owner_id=action.owner.external_id if action.owner else None,
                due_date=action.due_date,
            )
            post(incident.pk, text=text, blocks=blocks)
