"""Declaring where the problem shows up: the "Declare incident" message shortcut, and the
declare reaction (RESPONSE_DECLARE_REACTION) in the channels listed for it.

A reaction carries no trigger id, so no modal can open from it: the person who reacted is
offered, where they reacted and seen only by them, a "Declare incident" button pre-filled from
the message; the click opens the modal. Declaring straight from a reaction would turn a
stray emoji into an incident (a headline post, a channel, people invited) with a title nobody
wrote; one more click keeps the person in charge of the title, severity and privacy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from response.core.models import Incident
from response.engine.kinds import JobContext, Priority, job_kind
from response.engine.queue import enqueue
from response.slack.blocks import ids
from response.slack.blocks.declare import SourceMessage, render_declare_offer, title_of
from response.slack.decorators import ActionContext, action_handler
from response.slack.inbound.context import tell
from response.slack.inbound.modals import open_declare_modal
from response.slack.inbound.source import source_message, source_metadata
from response.slack.models import InboundDelivery
from response.slack.outbound import client
from response.slack.outbound.client import request_path_client
from response.slack.outbound.identity import CHANNEL_ID
from response.slack.outbound.informing import channel_id_named
from response.slack.outbound.outbox import post_ephemeral


def open_declare_modal_from(
    source: SourceMessage, *, trigger_id: str | None, channel_id: str | None
) -> str | None:
    return open_declare_modal(
        request_path_client(),
        trigger_id=trigger_id,
        title=title_of(source.text),
        summary=source.text,
        channel_id=channel_id,
        source=source_metadata(source),
    )


def declare_from_message(ack, body) -> None:
    """The "Declare incident" message shortcut: the modal, pre-filled from the message."""
    ack()
    channel_id = (body.get("channel") or {}).get("id") or ""
    source = source_message(channel_id, body.get("message") or {})
    problem = open_declare_modal_from(
        source, trigger_id=body.get("trigger_id"), channel_id=channel_id or None
    )
    if problem:
        tell(body["user"]["id"], problem, channel_id=channel_id or None)


@action_handler(ids.DECLARE_FROM_MESSAGE)
def declare_from_offer(context: ActionContext) -> None:
    """The "Declare incident" button offered after the declare reaction."""
    try:
        value = json.loads(context.value or "{}")
    except ValueError:
        value = {}
    if not isinstance(value, dict) or not value.get("channel_id"):
        tell(context.user_id, "This button is out of date.", channel_id=context.channel_id)
        return
    source = SourceMessage(
        channel_id=str(value["channel_id"]),
        ts=str(value.get("ts") or ""),
        permalink=str(value.get("permalink") or ""),
        text=str(value.get("text") or ""),
        author_id=value.get("author_id") or None,
    )
    problem = open_declare_modal_from(
        source, trigger_id=context.trigger_id, channel_id=context.channel_id
    )
    if problem:
        tell(context.user_id, problem, channel_id=context.channel_id)


# --- The declare reaction -------------------------------------------------------------------------


def offer_to_declare(incident: Incident | None, event: dict) -> None:
    """The declare reaction on a message: offer a "Declare incident" button to whoever reacted,
    if the channel is listed, once per message (a second reaction, or a redelivery, offers
    nothing more). Whether the channel is listed may need Slack (channels listed by name), so a
    job checks."""
    reaction = settings.RESPONSE_DECLARE_REACTION
    item = event.get("item") or {}
    if not reaction or event.get("reaction") != reaction or item.get("type") != "message":
        return
    channel_id, ts, user = item.get("channel"), item.get("ts"), event.get("user")
    if not channel_id or not ts or not user or not settings.RESPONSE_DECLARE_REACTION_CHANNELS:
        return
    if InboundDelivery.objects.filter(key=offered_key(channel_id, ts)).exists():
        return
    enqueue(
        OfferDeclaration(channel=channel_id, ts=ts, user=user),
        lane=f"channel:{channel_id}",
        key=offered_key(channel_id, ts),
    )


def offered_key(channel_id: str, ts: str) -> str:
    return f"declare-offer:{channel_id}:{ts}"


def is_listed(channel_id: str) -> bool:
    """Whether the declare reaction works in this channel. Talks to Slack (names to ids, once
    each): call it from a job's perform()."""
    listed = settings.RESPONSE_DECLARE_REACTION_CHANNELS
    return channel_id in listed or any(
        channel_id_named(name) == channel_id for name in listed if not CHANNEL_ID.match(name)
    )


@job_kind("slack.offer_declaration", priority=Priority.INBOUND)
@dataclass(frozen=True)
class OfferDeclaration:
    """Fetch the reacted message (a reaction carries none) and offer to declare from it."""

    channel: str
    ts: str
    user: str

    def perform(self, job: JobContext) -> dict:
        if not is_listed(self.channel):
            return {}
        history = client.call(
            "conversations.history", channel=self.channel, latest=self.ts, inclusive=True, limit=1
        )
        message = next((m for m in history.get("messages", []) if m.get("ts") == self.ts), None)
        return {"message": message} if message else {}

    def record(self, job: JobContext, result: dict) -> None:
        if not result.get("message"):
            return  # not a listed channel, or deleted since: nothing to offer
        try:
            with transaction.atomic():
                InboundDelivery.objects.create(
                    key=offered_key(self.channel, self.ts), kind="declare_reaction"
                )
        except IntegrityError:
            return  # offered already for this message
        source = source_message(self.channel, result["message"])
        text, blocks = render_declare_offer(source)
        post_ephemeral(self.channel, self.user, text=text, blocks=blocks)
