"""Is this body a Slack payload we can read? Checked after the signature, before Bolt, so a
signed but malformed request gets a 400 instead of an error deep inside a listener."""

from __future__ import annotations

import json
import re
from typing import Any, TypeGuard
from urllib.parse import parse_qs

from response.slack.inbound.forms import USER_ID

INTERACTIVE = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
}
# The views an app of ours has (Bolt reads a view's type before any listener runs; a
# "workflow_step" view would send it looking for a workflow step that is not there).
VIEW_TYPES = ("modal", "home")
EVENT_ENVELOPES = {"url_verification", "event_callback", "app_rate_limited"}
# Longest key part (an event id, a trigger id, a view id) we keep (Slack's are about 12 to 50
# characters; a delivery's key column holds 200).
MAX_ID_LENGTH = 100
# Longest user or channel id: the width of the columns that keep them (Slack's are about 11).
MAX_SLACK_ID = 32
# A Slack message timestamp ("1795999617.134050"): parsed as a number, kept in 32 characters.
TS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,8})?")
MAX_CHANNEL_NAME = 80
# What the handlers of each event read without asking (response.slack.inbound.events): Slack
# always sends these.
EVENT_NEEDS = {
    "app_mention": ("channel", "user", "ts"),
    "message": ("channel",),
    "pin_added": ("item",),
    "pin_removed": ("item",),
    "reaction_added": ("item",),
    "reaction_removed": ("item",),
    "channel_rename": ("channel",),
    "group_rename": ("channel",),
}
# Events whose channel is its id (channel_rename's is an object), as their handlers read it.
CHANNEL_ID_EVENTS = {
    "app_mention",
    "message",
    "member_joined_channel",
    "member_left_channel",
    "pin_added",
    "pin_removed",
    "app_home_opened",
}
# Event fields that are strings whenever Slack sends them.
EVENT_STRINGS = (
    "type",
    "subtype",
    "user",
    "ts",
    "event_ts",
    "thread_ts",
    "text",
    "reaction",
    "bot_id",
    "channel_id",
    "tab",
)
# Fields of a message (in an event, a shortcut, a click) that are strings when Slack sends them.
MESSAGE_STRINGS = ("type", "subtype", "user", "ts", "text", "bot_id", "permalink")
# Fields of an element in a view's state, and what Slack sends in them.
ELEMENT_STRINGS = (
    "type",
    "value",
    "selected_user",
    "selected_conversation",
    "selected_channel",
    "selected_date",
    "selected_time",
)


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _is_id(value: Any, longest: int = MAX_SLACK_ID) -> bool:
    return _is_str(value) and len(value) <= longest


def _is_user(value: Any) -> bool:
    return isinstance(value, str) and USER_ID.fullmatch(value) is not None


def _is_option(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("value", ""), str)


def malformed_reason(content_type: str | None, raw: bytes) -> str | None:
    """Why the body is not a readable Slack payload, or None when it is."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    if "json" in (content_type or ""):
        return _json_envelope_problem(text)
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        return _interaction_problem(form["payload"][0])
    if "command" in form:
        return _command_problem({k: v[0] for k, v in form.items()})
    if text.lstrip().startswith("{"):
        return _json_envelope_problem(text)
    return "neither an event, a command nor an interaction"


def socket_payload_problem(envelope_type: str, payload: Any) -> str | None:
    """Why a Socket Mode delivery is not one Slack sends: the same checks as over HTTP (Socket
    Mode carries the same payloads, unsigned, in an envelope of its own)."""
    if not isinstance(payload, dict):
        return "a payload that is not an object"
    if envelope_type == "events_api":
        return _json_envelope_problem(json.dumps(payload))
    if envelope_type == "interactive":
        return _interaction_problem(json.dumps(payload))
    if envelope_type == "slash_commands":
        if not all(isinstance(value, str) for value in payload.values()):
            return "a slash command whose fields are not all text"
        return _command_problem(payload)
    return None


def _load(text: str) -> dict | str:
    try:
        body = json.loads(text)
    except ValueError:
        return "the body is not valid JSON"
    return body if isinstance(body, dict) else "the body is not a JSON object"


def _json_envelope_problem(text: str) -> str | None:
    body = _load(text)
    if isinstance(body, str):
        return body
    kind = body.get("type")
    if not isinstance(kind, str) or kind not in EVENT_ENVELOPES:
        return f"unknown envelope type {kind!r}"
    if kind == "event_callback":
        event = body.get("event")
        if not _is_str(body.get("event_id")):
            return "event_callback without an event_id"
        if len(body["event_id"]) > MAX_ID_LENGTH:
            return "an event_id longer than any Slack makes"
        if "\\u0000" in text.lower():
            return "a NUL character"  # no database stores one in text
        if not isinstance(event, dict):
            return "event_callback without an event"
        return event_problem(event)
    return None


def event_problem(event: dict) -> str | None:
    """Why an event's fields cannot be Slack's (a number where Slack sends a string...)."""
    if not _is_str(event.get("type")):
        return "an event without a type"
    for name in EVENT_STRINGS:
        if name in event and event[name] is not None and not isinstance(event[name], str):
            return f"an event whose {name} is not a string"
    if problem := _missing_for_handlers(event):
        return problem
    if event.get("user") and not _is_user(event["user"]):
        return "an event whose user is not a Slack user id"
    if len(event.get("channel_id") or "") > MAX_SLACK_ID:
        return "an event whose channel_id is longer than any Slack id"
    for name in ("ts", "event_ts", "thread_ts"):
        if event.get(name) and not TS.fullmatch(event[name]):
            return f"an event whose {name} is not a Slack timestamp"
    channel = event.get("channel")
    if isinstance(channel, dict):
        if not isinstance(channel.get("name", ""), str):
            return "an event whose channel name is not a string"
        if len(channel.get("name", "")) > MAX_CHANNEL_NAME:
            return "an event whose channel name is longer than Slack allows"
        channel = channel.get("id")
    if channel is not None and not _is_id(channel):
        return "an event whose channel is not a Slack channel id"
    for name in ("item", "message", "previous_message"):
        if name in event and not isinstance(event[name], dict):
            return f"an event whose {name} is not an object"
        if problem := message_problem(event.get(name) or {}):
            return f"an event whose {name} is {problem}"
    item = event.get("item") or {}
    if "channel" in item and not _is_id(item["channel"]):
        return "an event whose item channel is not a Slack channel id"
    if "message" in item and not isinstance(item["message"], dict):
        return "an event whose item message is not an object"
    if problem := message_problem(item.get("message") or {}):
        return f"an event whose item message is {problem}"
    return None


def _missing_for_handlers(event: dict) -> str | None:
    kind = event["type"]
    for name in EVENT_NEEDS.get(kind, ()):
        if not event.get(name):
            return f"a {kind} event without its {name}"
    if kind == "message" and event.get("user") and not event.get("ts"):
        return "a person's message without its ts"
    item = event.get("item")
    if kind.startswith("pin_") and not (
        _is_dict(item) and (item.get("channel") or event.get("channel_id"))
    ):
        return f"a {kind} event without its channel"
    if (
        kind.startswith("reaction_")
        and _is_dict(item)
        and item.get("type") == "message"
        and not (item.get("channel") and item.get("ts"))
    ):
        return f"a {kind} event on a message without its channel and ts"
    for name in ("previous_message", "message"):
        inner = event.get(name)
        if _is_dict(inner) and inner and not inner.get("ts"):
            return f"an event whose {name} has no ts"
    if _is_dict(item) and _is_dict(item.get("message")) and not item["message"].get("ts"):
        return "an event whose item message has no ts"
    if kind in {"channel_rename", "group_rename"} and not _is_dict(event["channel"]):
        return f"a {kind} event whose channel is not an object"
    if kind in CHANNEL_ID_EVENTS and _is_dict(event.get("channel")):
        return f"a {kind} event whose channel is not a channel id"
    return None


def _is_dict(value: Any) -> TypeGuard[dict]:
    return isinstance(value, dict)


def message_problem(message: dict) -> str | None:
    """Why a message (or an event's item) cannot be one Slack sent."""
    for name in MESSAGE_STRINGS:
        if name in message and message[name] is not None and not isinstance(message[name], str):
            return f"a message whose {name} is not a string"
    if message.get("ts") and not TS.fullmatch(message["ts"]):
        return "a message whose ts is not a Slack timestamp"
    if message.get("user") and not _is_user(message["user"]):
        return "a message whose user is not a Slack user id"
    files = message.get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, dict) for f in files):
        return "a message whose files are not a list of files"
    return None


def _interaction_problem(text: str) -> str | None:
    if "\\u0000" in text.lower():
        return "a NUL character"
    payload = _load(text)
    if isinstance(payload, str):
        return payload
    return interaction_problem(payload)


def interaction_problem(payload: dict) -> str | None:
    """Why an interaction payload cannot be one Slack sent: what Bolt and our listeners read
    must be there, of the type Slack sends, and no longer than the columns that keep it."""
    kind = payload.get("type")
    if not isinstance(kind, str) or kind not in INTERACTIVE:
        return f"unknown interaction type {kind!r}"
    user = payload.get("user")
    if not isinstance(user, dict) or not _is_user(user.get("id")):
        return "an interaction without a user"
    if "trigger_id" in payload and not _is_id(payload["trigger_id"], MAX_ID_LENGTH):
        return "an interaction whose trigger_id is not one Slack makes"
    for name in ("channel", "container", "message"):
        if name in payload and not isinstance(payload[name], dict):
            return f"an interaction whose {name} is not an object"
    channel = (payload.get("channel") or {}).get("id")
    container = payload.get("container") or {}
    if channel is not None and not _is_id(channel):
        return "an interaction whose channel is not a Slack channel id"
    if "channel_id" in container and not _is_id(container["channel_id"]):
        return "an interaction whose container channel is not a Slack channel id"
    for ts in (container.get("message_ts"), payload.get("message_ts")):
        if ts is not None and not (isinstance(ts, str) and TS.fullmatch(ts)):
            return "an interaction whose message_ts is not a Slack timestamp"
    if problem := message_problem(payload.get("message") or {}):
        return f"an interaction whose message is {problem}"
    has_view = "view" in payload or kind in {"view_submission", "view_closed"}
    if has_view and (problem := view_problem(payload.get("view"))):
        return problem
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return "block_actions without actions"
        for action in actions:
            if problem := action_problem(action):
                return f"block_actions with {problem}"
    if kind in {"shortcut", "message_action"} and not _is_str(payload.get("callback_id")):
        return "a shortcut without a callback_id"
    if kind == "message_action" and not (channel and (payload.get("message") or {}).get("ts")):
        return "a message shortcut without its channel and message"
    suggestion = (payload.get("action_id"), payload.get("value"))
    if kind == "block_suggestion" and not (
        _is_str(suggestion[0]) and isinstance(suggestion[1], str)
    ):
        return "an options load without an action_id and a value"
    return None


def view_problem(view: Any) -> str | None:
    if not isinstance(view, dict) or not _is_id(view.get("id"), MAX_ID_LENGTH):
        return "a view payload without a view"
    if view.get("type") not in VIEW_TYPES:
        return "a view that is neither a modal nor a Home tab"
    for name in ("callback_id", "private_metadata", "hash"):
        if name in view and not isinstance(view[name], str):
            return f"a view whose {name} is not a string"
    if len(view.get("hash") or "") > MAX_ID_LENGTH:
        return "a view whose hash is longer than Slack makes"
    state = view.get("state", {})
    values = state.get("values", {}) if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return "a view with unreadable state"
    for block in values.values():
        if not isinstance(block, dict):
            return "a view with unreadable state"
        for element in block.values():
            if problem := element_problem(element):
                return f"a view whose state has {problem}"
    return None


def element_problem(element: Any) -> str | None:
    """Why a value in a view's state, or a clicked action, cannot be one Slack sent."""
    if not isinstance(element, dict):
        return "an element that is not an object"
    for name in ELEMENT_STRINGS:
        if name in element and element[name] is not None and not isinstance(element[name], str):
            return f"an element whose {name} is not a string"
    if element.get("selected_user") and not _is_user(element["selected_user"]):
        return "an element whose selected_user is not a Slack user id"
    if element.get("selected_option") is not None and not _is_option(element["selected_option"]):
        return "an element whose selected_option is not an option"
    options = element.get("selected_options", [])
    if not isinstance(options, list) or not all(_is_option(o) for o in options):
        return "an element whose selected_options are not options"
    users = element.get("selected_users", [])
    if not isinstance(users, list) or not all(_is_user(u) for u in users):
        return "an element whose selected_users are not Slack user ids"
    return None


def action_problem(action: Any) -> str | None:
    if not isinstance(action, dict) or not _is_str(action.get("action_id")):
        return "an action without an action_id"
    if "block_id" in action and not isinstance(action["block_id"], str):
        return "an action whose block_id is not a string"
    return element_problem(action)


def _command_problem(form: dict[str, str]) -> str | None:
    for field in ("command", "user_id", "trigger_id", "channel_id"):
        if not _is_str(form.get(field)):
            return f"a slash command without {field}"
    if not form["command"].startswith("/"):
        return "a slash command that does not start with /"
    if not (_is_user(form["user_id"]) and _is_id(form["channel_id"])):
        return "a slash command whose user or channel is not a Slack id"
    if not _is_id(form["trigger_id"], MAX_ID_LENGTH):
        return "a slash command whose trigger_id is longer than Slack makes"
    if any("\x00" in value for value in form.values()):
        return "a NUL character"
    return None
