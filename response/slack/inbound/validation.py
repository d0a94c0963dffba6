"""Is this body a Slack payload we can read? Checked after the signature, before Bolt, so a
signed but malformed request gets a 400 instead of an error deep inside a listener."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

INTERACTIVE = {
    "block_actions",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
    "block_suggestion",
}
EVENT_ENVELOPES = {"url_verification", "event_callback", "app_rate_limited"}
# Longest id kept in a column (a Slack id is about 11 characters; event ids about 12).
MAX_ID_LENGTH = 100
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


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value != ""


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
    if kind not in EVENT_ENVELOPES:
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
    for name in ("user", "channel_id"):
        if len(event.get(name) or "") > MAX_ID_LENGTH:
            return f"an event whose {name} is longer than any Slack id"
    channel = event.get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    if channel is not None and not (isinstance(channel, str) and len(channel) <= MAX_ID_LENGTH):
        return "an event whose channel is not a Slack channel id"
    for name in ("item", "message", "previous_message"):
        if name in event and not isinstance(event[name], dict):
            return f"an event whose {name} is not an object"
    item = event.get("item") or {}
    for name in ("channel", "ts", "type"):
        if name in item and not isinstance(item[name], str):
            return f"an event whose item {name} is not a string"
    return None


def _interaction_problem(text: str) -> str | None:
    payload = _load(text)
    if isinstance(payload, str):
        return payload
    kind = payload.get("type")
    if kind not in INTERACTIVE:
        return f"unknown interaction type {kind!r}"
    user = payload.get("user")
    if not isinstance(user, dict) or not _is_str(user.get("id")):
        return "an interaction without a user"
    if kind in {"view_submission", "view_closed"}:
        view = payload.get("view")
        if not isinstance(view, dict) or not _is_str(view.get("id")):
            return "a view payload without a view"
        state = view.get("state", {})
        if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
            return "a view with unreadable state"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not all(
            isinstance(a, dict) and _is_str(a.get("action_id")) for a in actions
        ):
            return "block_actions without readable actions"
    if kind in {"shortcut", "message_action"} and not _is_str(payload.get("callback_id")):
        return "a shortcut without a callback_id"
    return None


def _command_problem(form: dict[str, str]) -> str | None:
    for field in ("command", "user_id", "trigger_id", "channel_id"):
        if not _is_str(form.get(field)):
            return f"a slash command without {field}"
    if not form["command"].startswith("/"):
        return "a slash command that does not start with /"
    return None
