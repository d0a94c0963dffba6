"""Honouring the app's answers: command replies, ``response_url`` posts, ``response_action``."""

from __future__ import annotations

from typing import Any

from .blocks import check_message_blocks, check_view
from .errors import SlackError
from .inputs import with_ids
from .state import MAX_TEXT_LENGTH, ResponseTarget, State
from .viewstore import ViewRecord
from .webapi.chat import bot_message

# Slack allows five posts to one response_url.
MAX_RESPONSE_URL_USES = 5


def _content(body: dict[str, Any]) -> dict[str, Any]:
    text = body.get("text") or ""
    if len(text) > MAX_TEXT_LENGTH:
        raise SlackError("msg_too_long")
    content: dict[str, Any] = {"text": text}
    if body.get("blocks") is not None:
        check_message_blocks(body["blocks"])
        content["blocks"] = with_ids(body["blocks"])
    if body.get("attachments") is not None:
        content["attachments"] = body["attachments"]
    if not text and "blocks" not in content and "attachments" not in content:
        raise SlackError("no_text")
    return content


def post_reply(state: State, target: ResponseTarget, body: dict[str, Any] | str) -> None:
    """Apply one message sent to a response_url (or a command's immediate answer)."""
    if isinstance(body, str):
        body = {"text": body}
    channel = state.channel(target.channel_id)
    if body.get("delete_original") in (True, "true") and target.message_ts:
        if target.is_ephemeral:
            state.ephemeral = [e for e in state.ephemeral if e["ts"] != target.message_ts]
        else:
            state.remove_message(channel, target.message_ts)
        return
    content = _content(body)
    if body.get("replace_original") in (True, "true") and target.message_ts:
        if target.is_ephemeral:
            original = next((e for e in state.ephemeral if e["ts"] == target.message_ts), None)
            if original is None:
                raise SlackError("message_not_found")
        else:
            original = state.message(channel, target.message_ts)
        for key in ("text", "blocks", "attachments"):
            original.pop(key, None)
        original.update(content)
        original["edited"] = {"user": state.bot_user_id, "ts": state.clock.ts()}
        return
    message = bot_message(state, content, ts=state.clock.ts())
    if body.get("thread_ts"):
        message["thread_ts"] = body["thread_ts"]
    if body.get("response_type") == "in_channel":
        if channel.is_archived:
            raise SlackError("is_archived")
        state.add_message(channel, message)
    else:
        state.ephemeral.append({**message, "channel": channel.id, "recipient": target.user_id})


def use_response_url(state: State, token: str, body: dict[str, Any] | str) -> None:
    target = state.response_urls.get(token)
    if target is None:
        raise SlackError("expired_url")
    if target.uses >= MAX_RESPONSE_URL_USES:
        raise SlackError("used_url")
    target.uses += 1
    post_reply(state, target, body)


def apply_view_response(state: State, record: ViewRecord, body: Any) -> None:
    """What the modal does after a view_submission was answered with ``body``."""
    views = state.views
    view_id = record.view["id"]
    action = body.get("response_action") if isinstance(body, dict) else None
    if action is None:
        views.close(view_id)
    elif action == "errors":
        record.errors = dict(body.get("errors") or {})
    elif action == "update":
        check_view(body.get("view"), surface="modal")
        views.update(record, body["view"])
    elif action == "push":
        check_view(body.get("view"), surface="modal")
        views.push(body["view"], user_id=record.user_id)
    elif action == "clear":
        views.clear(view_id)
    else:
        raise SlackError("invalid_response_action", f"unknown response_action {action!r}")
