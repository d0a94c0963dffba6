"""What Response does with each Events API event (the routing table is response.slack.routes).

Each handler takes `(incident, event)`, like a plugin's @event_handler: `incident` is the
incident whose comms channel the event happened in, or None. They run on the worker, each in
its own savepoint of the transaction that marks the event done, so they only touch the database
(Slack work is queued); work that must ask Slack first is a job of its own.
"""

from __future__ import annotations

import logging
import re
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings

from response.core import verbs
from response.core.errors import NotFound
from response.core.models import Incident, TimelineEvent
from response.engine.kinds import JobContext, Priority, job_kind
from response.engine.queue import enqueue
from response.slack.blocks.text import escape
from response.slack.inbound.commands import find_command, run_incident_command
from response.slack.inbound.context import (
    SAID_IN_CHANNEL,
    USER_MENTION,
    Changed,
    from_slack,
    tell,
)
from response.slack.inbound.timeline import message_entry, source_of
from response.slack.models import CommsChannel
from response.slack.outbound import client
from response.slack.outbound.identity import bot_user_id
from response.slack.outbound.outbox import add_reaction, publish_home
from response.slack.people import slack_user, slack_user_or_none

logger = logging.getLogger(__name__)


def is_from_the_bot(event: dict) -> bool:
    user = event.get("user")
    return bool(event.get("bot_id")) or (bool(user) and user == bot_user_id())


# --- Commands -------------------------------------------------------------------------------------


def run_mentioned_command(incident: Incident | None, event: dict) -> None:
    """`@Response severity critical`: run the command, react ✅ or ❓, answer if there's more."""
    if is_from_the_bot(event):
        return
    channel_id, user_id, ts = event["channel"], event["user"], event["ts"]
    if incident is None:
        tell(
            user_id,
            "I take commands in an incident's channel. "
            "Declare an incident with `/incident <title>`.",
            channel_id=channel_id,
        )
        return
    said = SAID_IN_CHANNEL.set(channel_id)
    try:
        outcome = run_incident_command(incident, user_id, command_text(event.get("text") or ""))
    finally:
        SAID_IN_CHANNEL.reset(said)
    if outcome.handled:
        add_reaction(channel_id, ts, "white_check_mark")
    elif not outcome.known:
        add_reaction(channel_id, ts, "question")
    if outcome.reply and not isinstance(outcome.reply, Changed):  # the ✅ says what changed
        tell(user_id, outcome.reply, channel_id=channel_id)


def command_text(text: str) -> str:
    """The command in a message that mentions the bot anywhere: what follows the mention, or,
    when nothing does ("severity critical @Response"), what precedes it."""
    bot = bot_user_id()
    mentions = [m for m in USER_MENTION.finditer(text) if bot is None or m.group(1) == bot]
    if not mentions:
        return text
    first = mentions[0]
    after = text[first.end() :].strip()
    return after if after else text[: first.start()].strip()


# "@incident severity 1" typed as text: a mention that reached nobody (autocomplete offered no
# such user), so the bot must notice the words instead.
MISADDRESSED = re.compile(r"^\s*@(incident|response)\b[:,]?\s*(.*)$", re.IGNORECASE | re.DOTALL)


def answer_misaddressed_command(incident: Incident | None, event: dict) -> None:
    """Tell whoever typed `@incident <command>` how to reach the bot, with their command."""
    match = MISADDRESSED.match(event.get("text") or "")
    if match is None or not is_persons_message(incident, event):
        return
    _, spec, rest = find_command(match.group(2))
    said = escape(from_slack(f"{spec.names[0]} {rest}".strip() if spec is not None else "help"))
    tell(
        event["user"],
        f"👋 `@{escape(match.group(1))}` reaches nobody. To give me a command, mention me: "
        f"<@{bot_user_id()}> {said} (or `/incident {said}`).",
        channel_id=event["channel"],
    )


# --- Messages -------------------------------------------------------------------------------------


def is_persons_message(incident: Incident | None, event: dict) -> bool:
    return incident is not None and bool(event.get("user")) and not is_from_the_bot(event)


def count_participant(incident: Incident | None, event: dict) -> None:
    if incident is not None and is_persons_message(incident, event):
        verbs.note_participant(incident, slack_user(event["user"]), messages=1)


def follow_edit(incident: Incident | None, event: dict) -> None:
    """An edited message that is on the timeline is edited there too."""
    message = event.get("message") or {}
    if incident is None or not message.get("ts"):
        return
    source = source_of(event["channel"], message["ts"])
    entry = TimelineEvent.objects.filter(incident=incident, source=source).first()
    if entry is not None:
        # Removed since (unpinned, or deleted on the web): there is nothing left to edit.
        with suppress(NotFound):
            verbs.edit_timeline_event(
                entry,
                text=message_entry(event["channel"], message)["text"],
                by=slack_user_or_none(message.get("user")),
            )


def follow_deletion(incident: Incident | None, event: dict) -> None:
    if incident is not None and (previous := event.get("previous_message")):
        verbs.remove_timeline_event_by_source(incident, source_of(event["channel"], previous["ts"]))


# --- The timeline: pins and the timeline reaction -------------------------------------------------


# The bot's reaction on a message it put on the timeline (pinned, or reacted to with 📌): the
# person sees it was noted without a message in the channel.
NOTED_REACTION = "memo"


def add_pinned_message(incident: Incident | None, event: dict) -> None:
    item = event.get("item") or {}
    message = item.get("message")
    if incident is None or not message:
        return
    channel_id = item.get("channel") or event["channel_id"]
    verbs.add_timeline_event(
        incident,
        kind=TimelineEvent.Kind.MESSAGE,
        by=slack_user_or_none(event.get("user")),
        **message_entry(channel_id, message),
    )
    if message.get("ts"):
        add_reaction(channel_id, message["ts"], NOTED_REACTION)


def remove_unpinned_message(incident: Incident | None, event: dict) -> None:
    item = event.get("item") or {}
    message = item.get("message") or {}
    channel_id = item.get("channel") or event.get("channel_id")
    if incident is None or not message.get("ts") or not channel_id:
        return
    verbs.remove_timeline_event_by_source(
        incident, source_of(channel_id, message["ts"]), by=slack_user_or_none(event.get("user"))
    )


def _timeline_reaction(incident: Incident | None, event: dict) -> dict | None:
    item = event.get("item") or {}
    if incident is None or event.get("reaction") != settings.RESPONSE_TIMELINE_REACTION:
        return None
    return item if item.get("type") == "message" else None


def add_reacted_message(incident: Incident | None, event: dict) -> None:
    """The reaction carries no message: a job fetches it from Slack, then adds it."""
    item = _timeline_reaction(incident, event)
    if item is None or incident is None:
        return
    if TimelineEvent.objects.filter(
        incident=incident, source=source_of(item["channel"], item["ts"])
    ).exists():
        return
    enqueue(
        AddReactedMessage(
            incident_id=incident.pk,
            channel=item["channel"],
            ts=item["ts"],
            user=event.get("user") or "",
        ),
        lane=f"timeline:{item['channel']}",
    )


def remove_reacted_message(incident: Incident | None, event: dict) -> None:
    item = _timeline_reaction(incident, event)
    if item is not None and incident is not None:
        enqueue(
            RemoveReactedMessage(incident_id=incident.pk, channel=item["channel"], ts=item["ts"]),
            lane=f"timeline:{item['channel']}",
        )


# What Slack answers for a message that is no longer there.
GONE = {"thread_not_found", "message_not_found"}


@job_kind("slack.timeline_reaction_added", priority=Priority.INBOUND)
@dataclass(frozen=True)
class AddReactedMessage:
    incident_id: int
    channel: str
    ts: str
    user: str

    def perform(self, job: JobContext) -> dict:
        history = client.call(
            "conversations.history", channel=self.channel, latest=self.ts, inclusive=True, limit=1
        )
        message = next((m for m in history.get("messages", []) if m.get("ts") == self.ts), None)
        if message is None:
            try:
                history = client.call("conversations.replies", channel=self.channel, ts=self.ts)
            except client.Permanent as refused:
                if refused.error not in GONE:
                    raise
                return {}  # deleted since it was reacted to: nothing to add
            message = next((m for m in history.get("messages", []) if m.get("ts") == self.ts), None)
        return {"message": message} if message else {}

    def record(self, job: JobContext, result: dict) -> None:
        incident = Incident.objects.filter(pk=self.incident_id).first()
        if incident is None or not result.get("message"):
            return
        verbs.add_timeline_event(
            incident,
            kind=TimelineEvent.Kind.MESSAGE,
            by=slack_user_or_none(self.user),
            **message_entry(self.channel, result["message"]),
        )
        add_reaction(self.channel, self.ts, NOTED_REACTION)


@job_kind("slack.timeline_reaction_removed", priority=Priority.INBOUND)
@dataclass(frozen=True)
class RemoveReactedMessage:
    """Only the reaction's own entry goes: a pin of the same message keeps its entry."""

    incident_id: int
    channel: str
    ts: str

    def perform(self, job: JobContext) -> dict:
        pinned = client.call("pins.list", channel=self.channel).get("items", [])
        return {"pinned": any((p.get("message") or {}).get("ts") == self.ts for p in pinned)}

    def record(self, job: JobContext, result: dict) -> None:
        incident = Incident.objects.filter(pk=self.incident_id).first()
        if incident is not None and not result.get("pinned"):
            verbs.remove_timeline_event_by_source(incident, source_of(self.channel, self.ts))


# --- The channel and its people -------------------------------------------------------------------


def follow_rename(incident: Incident | None, event: dict) -> None:
    channel = event.get("channel") or {}
    CommsChannel.objects.filter(channel_id=channel.get("id")).update(name=channel.get("name", ""))


def note_member_joined(incident: Incident | None, event: dict) -> None:
    if incident is not None and event.get("user"):
        verbs.note_participant(incident, slack_user(event["user"]), is_member=True)


def note_member_left(incident: Incident | None, event: dict) -> None:
    if incident is not None and event.get("user"):
        verbs.note_participant(incident, slack_user(event["user"]), is_member=False)


def publish_home_tab(incident: Incident | None, event: dict) -> None:
    if event.get("tab", "home") == "home" and event.get("user"):
        publish_home(event["user"])
