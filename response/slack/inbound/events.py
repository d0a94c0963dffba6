"""Events API events, processed on the worker (the request only stored them; see middleware).

Pins and the timeline reaction build the timeline, mentions run commands, messages feed keyword
handlers and participant counts, renames are followed, and every event also reaches the plugins'
@event_handler functions.
"""

from __future__ import annotations

import logging

from django.conf import settings

from response.core import verbs
from response.core.models import Incident, TimelineEvent
from response.core.verbs import note_participant
from response.slack.decorators import KEYWORD_HANDLERS, event_handlers_for
from response.slack.inbound.commands import run_incident_command
from response.slack.inbound.context import USER_MENTION, tell
from response.slack.inbound.timeline import message_entry, source_of
from response.slack.jobs import Retry, job_kind
from response.slack.models import CommsChannel, Job
from response.slack.outbound import client
from response.slack.outbound.outbox import add_reaction, publish_home
from response.slack.outbound.performers import bot_user_id
from response.slack.people import slack_user, slack_user_or_none
from response.slack.selectors import incident_for_channel

logger = logging.getLogger(__name__)

RETRY = "response_retry"


@job_kind("slack_event")
def perform_slack_event(job: Job) -> dict | None:
    """Replay a stored event through the Bolt app (the job is done once, like any job)."""
    from slack_bolt import BoltRequest

    from response.slack.app import get_app
    from response.slack.middleware import REPLAY

    request = BoltRequest(body=job.payload, mode="socket_mode", context={REPLAY: True})
    get_app().dispatch(request)
    if retry := request.context.get(RETRY):
        raise retry  # Slack was unavailable to a handler: the lane tries the event again later
    return {"event": (job.payload.get("event") or {}).get("type")}


def event_channel(event: dict) -> str | None:
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    return channel.get("id") if isinstance(channel, dict) else channel


def is_from_the_bot(event: dict) -> bool:
    return bool(event.get("bot_id")) or (event.get("user") and event.get("user") == bot_user_id())


def handle_event(ack, event, context):
    ack()
    incident = incident_for_channel(event_channel(event))
    builtin = BUILTIN_HANDLERS.get(event.get("type"))
    for handler in ([builtin] if builtin else []) + [
        s.func for s in event_handlers_for(event.get("type"))
    ]:
        try:
            if handler is builtin:
                handler(event, incident)
            else:
                handler(incident, event)
        except Retry as retry:
            context[RETRY] = retry
            return
        except Exception:
            logger.exception(
                "Handler %s for a %s event failed (incident %s)",
                getattr(handler, "__qualname__", handler),
                event.get("type"),
                incident.pk if incident else None,
            )


def on_app_mention(event: dict, incident: Incident | None) -> None:
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
    outcome = run_incident_command(incident, user_id, command_text(event.get("text") or ""))
    if outcome.handled:
        add_reaction(channel_id, ts, "white_check_mark")
    elif not outcome.known:
        add_reaction(channel_id, ts, "question")
    if outcome.reply:
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


def on_message(event: dict, incident: Incident | None) -> None:
    subtype = event.get("subtype")
    if subtype == "message_changed":
        return on_message_changed(event, incident)
    if subtype == "message_deleted":
        if incident is not None and (previous := event.get("previous_message")):
            verbs.remove_timeline_event_by_source(
                incident, source_of(event["channel"], previous["ts"])
            )
        return None
    if subtype not in {None, "thread_broadcast", "file_share"} or incident is None:
        return None
    if is_from_the_bot(event) or not event.get("user"):
        return None
    note_participant(incident, slack_user(event["user"]), messages=1)
    text = event.get("text") or ""
    channel = CommsChannel.objects.get(incident=incident)
    for spec in KEYWORD_HANDLERS.values():
        if spec.pattern.search(text):
            try:
                spec.func(channel, event["user"], text, event["ts"])
            except Exception:
                logger.exception("Keyword handler %s failed (incident %s)", spec.func, incident.pk)
    return None


def on_message_changed(event: dict, incident: Incident | None) -> None:
    message = event.get("message") or {}
    if incident is None or not message.get("ts"):
        return
    source = source_of(event["channel"], message["ts"])
    entry = TimelineEvent.objects.filter(incident=incident, source=source).first()
    if entry is not None:
        verbs.edit_timeline_event(
            entry,
            text=message_entry(event["channel"], message)["text"],
            by=slack_user_or_none(message.get("user")),
        )


def on_pin_added(event: dict, incident: Incident | None) -> None:
    item = event.get("item") or {}
    message = item.get("message")
    if incident is None or not message:
        return
    verbs.add_timeline_event(
        incident,
        kind=TimelineEvent.Kind.MESSAGE,
        by=slack_user_or_none(event.get("user")),
        **message_entry(item.get("channel") or event["channel_id"], message),
    )


def on_pin_removed(event: dict, incident: Incident | None) -> None:
    item = event.get("item") or {}
    message = item.get("message") or {}
    if incident is None or not message.get("ts"):
        return
    channel_id = item.get("channel") or event.get("channel_id")
    verbs.remove_timeline_event_by_source(
        incident, source_of(channel_id, message["ts"]), by=slack_user_or_none(event.get("user"))
    )


def on_reaction_added(event: dict, incident: Incident | None) -> None:
    item = event.get("item") or {}
    if incident is None or event.get("reaction") != settings.RESPONSE_TIMELINE_REACTION:
        return
    if item.get("type") != "message":
        return
    channel_id, ts = item["channel"], item["ts"]
    if TimelineEvent.objects.filter(incident=incident, source=source_of(channel_id, ts)).exists():
        return
    history = client.call(
        "conversations.history", channel=channel_id, latest=ts, inclusive=True, limit=1
    )
    message = next((m for m in history.get("messages", []) if m.get("ts") == ts), None)
    if message is None:
        history = client.call("conversations.replies", channel=channel_id, ts=ts, limit=1)
        message = next((m for m in history.get("messages", []) if m.get("ts") == ts), None)
    if message is None:
        return
    verbs.add_timeline_event(
        incident,
        kind=TimelineEvent.Kind.MESSAGE,
        by=slack_user_or_none(event.get("user")),
        **message_entry(channel_id, message),
    )


def on_reaction_removed(event: dict, incident: Incident | None) -> None:
    item = event.get("item") or {}
    if incident is None or event.get("reaction") != settings.RESPONSE_TIMELINE_REACTION:
        return
    # Only the reaction's own entry goes; a pin of the same message keeps its entry via the pin.
    pinned = client.call("pins.list", channel=item["channel"]).get("items", [])
    if any((p.get("message") or {}).get("ts") == item.get("ts") for p in pinned):
        return
    verbs.remove_timeline_event_by_source(incident, source_of(item["channel"], item["ts"]))


def on_channel_rename(event: dict, incident: Incident | None) -> None:
    channel = event.get("channel") or {}
    CommsChannel.objects.filter(channel_id=channel.get("id")).update(name=channel.get("name", ""))


def on_member_joined(event: dict, incident: Incident | None) -> None:
    if incident is not None and event.get("user"):
        note_participant(incident, slack_user(event["user"]), is_member=True)


def on_member_left(event: dict, incident: Incident | None) -> None:
    if incident is not None and event.get("user"):
        note_participant(incident, slack_user(event["user"]), is_member=False)


def on_app_home_opened(event: dict, incident: Incident | None) -> None:
    if event.get("tab", "home") == "home" and event.get("user"):
        publish_home(event["user"])


BUILTIN_HANDLERS = {
    "app_mention": on_app_mention,
    "message": on_message,
    "pin_added": on_pin_added,
    "pin_removed": on_pin_removed,
    "reaction_added": on_reaction_added,
    "reaction_removed": on_reaction_removed,
    "channel_rename": on_channel_rename,
    "group_rename": on_channel_rename,
    "member_joined_channel": on_member_joined,
    "member_left_channel": on_member_left,
    "app_home_opened": on_app_home_opened,
}
