"""Things attached to messages and channels: reactions.*, pins.*, bookmarks.*."""

from __future__ import annotations

import copy
import time
from typing import Any

from ..errors import SlackError
from ..state import Channel, State
from .base import Context, Handler

# -- shared with actors ------------------------------------------------------------------------


def add_reaction(
    state: State, channel: Channel, ts: str, name: str, user_id: str
) -> dict[str, Any]:
    if channel.is_archived:
        raise SlackError("is_archived")
    message = state.message(channel, ts)
    reactions = message.setdefault("reactions", [])
    reaction = next((r for r in reactions if r["name"] == name), None)
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        reactions.append(reaction)
    if user_id in reaction["users"]:
        raise SlackError("already_reacted")
    reaction["users"].append(user_id)
    reaction["count"] = len(reaction["users"])
    return message


def remove_reaction(
    state: State, channel: Channel, ts: str, name: str, user_id: str
) -> dict[str, Any]:
    message = state.message(channel, ts)
    reactions = message.get("reactions", [])
    reaction = next((r for r in reactions if r["name"] == name), None)
    if reaction is None or user_id not in reaction["users"]:
        raise SlackError("no_reaction")
    reaction["users"].remove(user_id)
    reaction["count"] = len(reaction["users"])
    if not reaction["users"]:
        reactions.remove(reaction)
    if not reactions:
        message.pop("reactions", None)
    return message


def add_pin(state: State, channel: Channel, ts: str, user_id: str) -> dict[str, Any]:
    if channel.is_archived:
        raise SlackError("is_archived")
    message = state.message(channel, ts)
    if any(p["ts"] == ts for p in channel.pins):
        raise SlackError("already_pinned")
    # "at": when, on the channel's clock (so the sandbox can show it among the messages).
    pin = {"ts": ts, "created_by": user_id, "created": int(time.time()), "at": state.clock.ts()}
    channel.pins.append(pin)
    return pin | {"message": message}


def remove_pin(state: State, channel: Channel, ts: str) -> dict[str, Any]:
    message = state.message(channel, ts)
    pin = next((p for p in channel.pins if p["ts"] == ts), None)
    if pin is None:
        raise SlackError("no_pin")
    channel.pins.remove(pin)
    return pin | {"message": message}


def pin_item(channel: Channel, pin: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """A pin as ``pins.list`` and ``pin_added`` show it."""
    return {
        "type": "message",
        "created": pin["created"],
        "created_by": pin["created_by"],
        "channel": channel.id,
        "message": copy.deepcopy(message) | {"pinned_to": [channel.id]},
    }


# -- reactions ---------------------------------------------------------------------------------


def _message_ref(ctx: Context) -> tuple[Channel, str]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    ts = ctx.args.required("timestamp", "message_not_found")
    return channel, ts


def reactions_add(ctx: Context) -> dict[str, Any]:
    channel, ts = _message_ref(ctx)
    name = ctx.args.required("name", "invalid_name").strip(":")
    add_reaction(ctx.state, channel, ts, name, ctx.bot)
    return {}


def reactions_remove(ctx: Context) -> dict[str, Any]:
    channel, ts = _message_ref(ctx)
    name = ctx.args.required("name", "invalid_name").strip(":")
    remove_reaction(ctx.state, channel, ts, name, ctx.bot)
    return {}


def reactions_get(ctx: Context) -> dict[str, Any]:
    channel, ts = _message_ref(ctx)
    message = copy.deepcopy(ctx.state.message(channel, ts))
    return {"type": "message", "channel": channel.id, "message": message}


# -- pins --------------------------------------------------------------------------------------


def pins_add(ctx: Context) -> dict[str, Any]:
    channel = ctx.member_channel(ctx.args.required("channel", "channel_not_found"))
    add_pin(ctx.state, channel, ctx.args.required("timestamp", "no_item_specified"), ctx.bot)
    return {}


def pins_remove(ctx: Context) -> dict[str, Any]:
    channel = ctx.member_channel(ctx.args.required("channel", "channel_not_found"))
    remove_pin(ctx.state, channel, ctx.args.required("timestamp", "no_item_specified"))
    return {}


def pins_list(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    items = [
        pin_item(channel, pin, ctx.state.message(channel, pin["ts"]))
        for pin in reversed(channel.pins)
    ]
    return {"items": items}


# -- bookmarks ---------------------------------------------------------------------------------


def _bookmark_channel(ctx: Context) -> Channel:
    channel = ctx.member_channel(ctx.args.required("channel_id", "channel_not_found"))
    if channel.is_archived:
        raise SlackError("is_archived")
    return channel


def _bookmark(channel: Channel, bookmark_id: str) -> dict[str, Any]:
    bookmark = next((b for b in channel.bookmarks if b["id"] == bookmark_id), None)
    if bookmark is None:
        raise SlackError("not_found")
    return bookmark


def bookmarks_add(ctx: Context) -> dict[str, Any]:
    channel = _bookmark_channel(ctx)
    title = ctx.args.required("title", "invalid_title")
    kind = ctx.args.required("type", "invalid_type")
    if kind != "link":
        raise SlackError("invalid_type")
    link = ctx.args.required("link", "invalid_link")
    if not link.startswith(("http://", "https://")):
        raise SlackError("invalid_link")
    now = int(time.time())
    bookmark = {
        "id": ctx.state.ids.new("Bk"),
        "channel_id": channel.id,
        "title": title,
        "link": link,
        "emoji": ctx.args.string("emoji"),
        "icon_url": None,
        "type": kind,
        "entity_id": ctx.args.string("entity_id"),
        "date_created": now,
        "date_updated": now,
        "rank": chr(ord("a") + len(channel.bookmarks) % 26),
        "last_updated_by_user_id": ctx.bot,
        "last_updated_by_team_id": ctx.state.team_id,
        "shortcut_id": None,
        "app_id": ctx.state.app_id,
    }
    channel.bookmarks.append(bookmark)
    return {"bookmark": copy.deepcopy(bookmark)}


def bookmarks_edit(ctx: Context) -> dict[str, Any]:
    channel = _bookmark_channel(ctx)
    bookmark = _bookmark(channel, ctx.args.required("bookmark_id", "not_found"))
    for key in ("title", "link", "emoji"):
        if key in ctx.args:
            bookmark[key] = ctx.args.string(key)
    if not str(bookmark["link"]).startswith(("http://", "https://")):
        raise SlackError("invalid_link")
    bookmark["date_updated"] = int(time.time())
    bookmark["last_updated_by_user_id"] = ctx.bot
    return {"bookmark": copy.deepcopy(bookmark)}


def bookmarks_remove(ctx: Context) -> dict[str, Any]:
    channel = _bookmark_channel(ctx)
    channel.bookmarks.remove(_bookmark(channel, ctx.args.required("bookmark_id", "not_found")))
    return {}


def bookmarks_list(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel_id", "channel_not_found"))
    return {"bookmarks": copy.deepcopy(channel.bookmarks)}


METHODS: dict[str, Handler] = {
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
    "reactions.get": reactions_get,
    "pins.add": pins_add,
    "pins.remove": pins_remove,
    "pins.list": pins_list,
    "bookmarks.add": bookmarks_add,
    "bookmarks.edit": bookmarks_edit,
    "bookmarks.remove": bookmarks_remove,
    "bookmarks.list": bookmarks_list,
}
