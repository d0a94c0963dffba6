"""chat.postMessage, chat.update, chat.delete, chat.postEphemeral, chat.getPermalink."""

from __future__ import annotations

import copy
from typing import Any

from ..blocks import check_message_blocks
from ..errors import SlackError
from ..ids import ts_to_permalink_part
from ..inputs import with_ids
from ..state import MAX_TEXT_LENGTH, Channel, State
from .base import Context, Handler


def message_content(ctx: Context, *, required: bool = True) -> dict[str, Any]:
    """text / blocks / attachments of a message, validated the way Slack does."""
    args = ctx.args
    text = args.string("text")
    blocks = args.json("blocks", "invalid_blocks_format")
    attachments = args.json("attachments", "invalid_attachments")
    if required and not text and not blocks and not attachments:
        raise SlackError("no_text")
    if text and len(text) > MAX_TEXT_LENGTH:
        raise SlackError("msg_too_long")
    if blocks is not None:
        check_message_blocks(blocks)
    content: dict[str, Any] = {"text": text or ""}
    if blocks is not None:
        content["blocks"] = with_ids(blocks)
    if attachments is not None:
        content["attachments"] = attachments
    metadata = message_metadata(ctx)
    if metadata:
        content["metadata"] = metadata
    return content


def message_metadata(ctx: Context) -> dict[str, Any] | None:
    """``metadata`` (``{"event_type": …, "event_payload": {…}}``), as Slack validates it.

    ``{}`` is returned as is: to ``chat.update`` it means "remove the metadata".
    """
    metadata = ctx.args.json("metadata", "invalid_metadata_format")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise SlackError("invalid_metadata_format")
    if metadata == {}:
        return metadata
    event_type, payload = metadata.get("event_type"), metadata.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, dict):
        raise SlackError("invalid_metadata_schema")
    return {"event_type": event_type, "event_payload": copy.deepcopy(payload)}


def bot_message(state: State, content: dict[str, Any], *, ts: str) -> dict[str, Any]:
    """A message as the bot posts it, with ``bot_id``, ``app_id`` and ``bot_profile``."""
    return {
        "type": "message",
        "user": state.bot_user_id,
        "bot_id": state.bot_id,
        "app_id": state.app_id,
        "ts": ts,
        "team": state.team_id,
        "bot_profile": {
            "id": state.bot_id,
            "app_id": state.app_id,
            "name": state.users[state.bot_user_id]["name"],
            "team_id": state.team_id,
            "deleted": False,
        },
        **copy.deepcopy(content),
    }


def _check_writable(channel: Channel) -> None:
    if channel.is_archived:
        raise SlackError("is_archived")


def post_message(ctx: Context) -> dict[str, Any]:
    state = ctx.state
    channel = ctx.channel_for_posting(ctx.args.required("channel", "channel_not_found"))
    _check_writable(channel)
    content = message_content(ctx)
    for key in ("username", "icon_emoji", "icon_url"):
        if key in ctx.args:
            content[key] = ctx.args.string(key)
    message = bot_message(state, content, ts=state.clock.ts())
    thread_ts = ctx.args.string("thread_ts")
    if thread_ts:
        message["thread_ts"] = thread_ts
        if ctx.args.flag("reply_broadcast"):
            message["subtype"] = "thread_broadcast"
    state.add_message(channel, message)
    ctx.emit(
        {
            **copy.deepcopy(message),
            "channel": channel.id,
            "channel_type": channel.channel_type,
            "event_ts": message["ts"],
        }
    )
    return copy.deepcopy({"channel": channel.id, "ts": message["ts"], "message": message})


def _own_message(ctx: Context, *, cannot: str) -> tuple[Channel, dict[str, Any]]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    ts = ctx.args.required("ts", "message_not_found")
    message = ctx.state.message(channel, ts)
    if message.get("user") != ctx.bot:
        raise SlackError(cannot)
    return channel, message


def update(ctx: Context) -> dict[str, Any]:
    channel, message = _own_message(ctx, cannot="cant_update_message")
    _check_writable(channel)
    content = message_content(ctx, required=False)
    if not any(k in ctx.args for k in ("text", "blocks", "attachments")):
        raise SlackError("no_text")
    for key in ("text", "blocks", "attachments"):
        if key in ctx.args:
            message[key] = content.get(key, "")
    # Without metadata the message keeps its own; {} removes it.
    if "metadata" in ctx.args:
        if "metadata" in content:
            message["metadata"] = content["metadata"]
        else:
            message.pop("metadata", None)
    message["edited"] = {"user": ctx.bot, "ts": ctx.state.clock.ts()}
    ctx.emit(
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": channel.id,
            "channel_type": channel.channel_type,
            "ts": ctx.state.clock.ts(),
            "message": copy.deepcopy(message),
        }
    )
    return copy.deepcopy(
        {"channel": channel.id, "ts": message["ts"], "text": message["text"], "message": message}
    )


def delete(ctx: Context) -> dict[str, Any]:
    channel, message = _own_message(ctx, cannot="cant_delete_message")
    ctx.state.remove_message(channel, message["ts"])
    return {"channel": channel.id, "ts": message["ts"]}


def post_ephemeral(ctx: Context) -> dict[str, Any]:
    state = ctx.state
    channel = ctx.channel_for_posting(ctx.args.required("channel", "channel_not_found"))
    _check_writable(channel)
    user = state.user(ctx.args.required("user", "user_not_found"))
    if user["id"] not in channel.members:
        raise SlackError("user_not_in_channel")
    content = message_content(ctx)
    ts = state.clock.ts()
    message = bot_message(state, content, ts=ts)
    if ctx.args.string("thread_ts"):
        message["thread_ts"] = ctx.args.string("thread_ts")
    state.ephemeral.append({**message, "channel": channel.id, "recipient": user["id"]})
    return {"message_ts": ts}


def get_permalink(ctx: Context) -> dict[str, Any]:
    state = ctx.state
    channel = state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    ts = ctx.args.required("message_ts", "message_not_found")
    message = state.message(channel, ts)
    link = f"{state.team['url']}archives/{channel.id}/{ts_to_permalink_part(ts)}"
    if message.get("thread_ts") and message["thread_ts"] != ts:
        link += f"?thread_ts={message['thread_ts']}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


METHODS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}
