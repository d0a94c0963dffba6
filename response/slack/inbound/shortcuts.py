"""Shortcuts: "Declare incident" (global) and "Add to timeline" (on a message)."""

from __future__ import annotations

from response.core import verbs
from response.core.models import TimelineEvent
from response.slack.inbound.context import tell
from response.slack.inbound.modals import open_declare_modal
from response.slack.inbound.timeline import message_entry
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user
from response.slack.selectors import incident_for_channel


def declare(ack, body):
    ack()
    problem = open_declare_modal(
        request_path_client(), trigger_id=body.get("trigger_id"), title="", channel_id=None
    )
    if problem:
        tell(body["user"]["id"], problem)


def add_to_timeline(ack, body):
    ack()
    user_id = body["user"]["id"]
    channel_id = (body.get("channel") or {}).get("id")
    incident = incident_for_channel(channel_id)
    if incident is None or channel_id is None:
        tell(
            user_id,
            "Messages can be added to the timeline in an incident's channel.",
            channel_id=channel_id,
        )
        return
    entry = message_entry(channel_id, body.get("message") or {})
    verbs.add_timeline_event(
        incident, kind=TimelineEvent.Kind.MESSAGE, by=slack_user(user_id), **entry
    )
    tell(user_id, "📌 Added to the timeline.", channel_id=channel_id)
