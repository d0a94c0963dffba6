"""conversations.*: create, info, list, join, invite, kick, leave, rename, setTopic, setPurpose,
archive, unarchive, members, open (history and replies are in ``history.py``)."""

from __future__ import annotations

import re
import time
from typing import Any

from ..errors import SlackError
from ..state import Channel, State
from .base import Context, Handler, paginate

MAX_NAME_LENGTH = 80
MAX_TOPIC_LENGTH = 250
_ALLOWED = re.compile(r"^[a-z0-9_\-]+$")


def check_channel_name(state: State, name: str | None, *, renaming: Channel | None = None) -> str:
    """Slack's channel-name rules: lowercase letters, digits, ``-`` and ``_``, at most 80."""
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > MAX_NAME_LENGTH:
        raise SlackError("invalid_name_maxlength")
    if all(not c.isalnum() for c in name):
        raise SlackError("invalid_name_punctuation")
    # Lowercase letters of any script are allowed, as in Slack; anything else is special.
    if any(c.isupper() or c.isspace() or (c.isascii() and not _ALLOWED.match(c)) for c in name):
        raise SlackError("invalid_name_specials")
    existing = state.channel_named(name)
    if existing is not None and existing is not renaming:
        raise SlackError("name_taken")
    return name


def _info(ctx: Context, channel: Channel) -> dict[str, Any]:
    return channel.to_api(viewer=ctx.bot)


def _member_event(ctx: Context, kind: str, channel: Channel, user_id: str) -> dict[str, Any]:
    event = {
        "type": kind,
        "user": user_id,
        "channel": channel.id,
        "channel_type": "G" if channel.is_private else "C",
        "team": ctx.state.team_id,
    }
    if kind == "member_joined_channel" and user_id != ctx.bot:
        event["inviter"] = ctx.bot
    return event


def _writable(channel: Channel) -> Channel:
    if channel.is_archived:
        raise SlackError("is_archived")
    return channel


def create(ctx: Context) -> dict[str, Any]:
    name = check_channel_name(ctx.state, ctx.args.string("name"))
    channel = ctx.state.new_channel(
        name=name, creator=ctx.bot, is_private=ctx.args.flag("is_private")
    )
    if not channel.is_private:
        created = {"id": channel.id, "name": name, "created": channel.created, "creator": ctx.bot}
        ctx.emit({"type": "channel_created", "channel": created})
    return {"channel": _info(ctx, channel)}


def info(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    return {"channel": _info(ctx, channel)}


def list_(ctx: Context) -> dict[str, Any]:
    types = set(ctx.args.strings("types") or ["public_channel"])
    exclude_archived = ctx.args.flag("exclude_archived")

    def wanted(c: Channel) -> bool:
        kind = (
            "im"
            if c.is_im
            else "mpim"
            if c.is_mpim
            else "private_channel"
            if c.is_private
            else "public_channel"
        )
        return (
            kind in types and ctx.state.bot_can_see(c) and not (exclude_archived and c.is_archived)
        )

    channels = [c for c in ctx.state.channels.values() if wanted(c)]
    page, metadata = paginate(channels, ctx.args)
    return {"channels": [_info(ctx, c) for c in page], "response_metadata": metadata}


def join(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    _writable(channel)
    response: dict[str, Any] = {}
    if ctx.bot in channel.members:
        response = {
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    else:
        channel.members.append(ctx.bot)
        ctx.emit(_member_event(ctx, "member_joined_channel", channel, ctx.bot))
    return {"channel": _info(ctx, channel), **response}


def _invite_error(ctx: Context, channel: Channel, user_id: str) -> str | None:
    if user_id not in ctx.state.users:
        return "user_not_found"
    if user_id == ctx.bot:
        return "cant_invite_self"
    if user_id in channel.members:
        return "already_in_channel"
    return None


def invite(ctx: Context) -> dict[str, Any]:
    """Invite users: all or none, unless ``force`` invites the valid ones and lists the rest."""
    channel = _writable(ctx.member_channel(ctx.args.required("channel", "channel_not_found")))
    refs = ctx.args.strings("users")
    if not refs:
        raise SlackError("no_user")
    if len(refs) > 1000:
        raise SlackError("too_many_users")
    valid: list[str] = []
    errors: list[dict[str, Any]] = []
    first_error = ""
    for ref in refs:
        error = _invite_error(ctx, channel, ref)
        if error:
            first_error = first_error or error
            errors.append({"user": ref, "ok": False, "error": error})
        elif ref not in valid:
            valid.append(ref)
    force = ctx.args.flag("force")
    if errors and not (force and valid):
        raise SlackError(first_error, errors=errors)
    for user_id in valid:
        channel.members.append(user_id)
        ctx.emit(_member_event(ctx, "member_joined_channel", channel, user_id), own=False)
    response: dict[str, Any] = {"channel": _info(ctx, channel)}
    if errors:
        response["errors"] = errors
    return response


def kick(ctx: Context) -> dict[str, Any]:
    state = ctx.state
    channel = ctx.member_channel(ctx.args.required("channel", "channel_not_found"))
    user = state.user(ctx.args.required("user", "user_not_found"))
    if user["id"] == ctx.bot:
        raise SlackError("cant_kick_self")
    if channel.is_general:
        raise SlackError("cant_kick_from_general")
    if user["id"] not in channel.members:
        raise SlackError("not_in_channel")
    channel.members.remove(user["id"])
    ctx.emit(_member_event(ctx, "member_left_channel", channel, user["id"]), own=False)
    return {}


def leave(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    if channel.is_general:
        raise SlackError("cant_leave_general")
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if ctx.bot not in channel.members:
        return {"not_in_channel": True}
    channel.members.remove(ctx.bot)
    return {}


def rename(ctx: Context) -> dict[str, Any]:
    channel = _writable(ctx.member_channel(ctx.args.required("channel", "channel_not_found")))
    name = check_channel_name(ctx.state, ctx.args.string("name"), renaming=channel)
    if name != channel.name:
        channel.previous_names.insert(0, channel.name)
        channel.name = name
        kind = "group_rename" if channel.is_private else "channel_rename"
        renamed = {"id": channel.id, "name": name, "created": channel.created}
        ctx.emit({"type": kind, "channel": renamed})
    return {"channel": _info(ctx, channel)}


def _set_text(ctx: Context, field: str) -> dict[str, Any]:
    channel = _writable(ctx.member_channel(ctx.args.required("channel", "channel_not_found")))
    value = ctx.args.string(field, "") or ""
    if len(value) > MAX_TOPIC_LENGTH:
        raise SlackError("too_long")
    setattr(channel, field, {"value": value, "creator": ctx.bot, "last_set": int(time.time())})
    return {"channel": _info(ctx, channel)}


def set_topic(ctx: Context) -> dict[str, Any]:
    return _set_text(ctx, "topic")


def set_purpose(ctx: Context) -> dict[str, Any]:
    return _set_text(ctx, "purpose")


def archive(ctx: Context) -> dict[str, Any]:
    channel = ctx.member_channel(ctx.args.required("channel", "channel_not_found"))
    if channel.is_general:
        raise SlackError("cant_archive_general")
    if channel.is_archived:
        raise SlackError("already_archived")
    channel.is_archived = True
    kind = "group_archive" if channel.is_private else "channel_archive"
    ctx.emit({"type": kind, "channel": channel.id, "user": ctx.bot})
    return {}


def unarchive(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    if not channel.is_archived:
        raise SlackError("not_archived")
    channel.is_archived = False
    if ctx.bot not in channel.members:
        channel.members.append(ctx.bot)
    return {}


def members(ctx: Context) -> dict[str, Any]:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    page, metadata = paginate(channel.members, ctx.args)
    return {"members": page, "response_metadata": metadata}


def open_(ctx: Context) -> dict[str, Any]:
    state = ctx.state
    if "channel" in ctx.args:
        channel = state.channel(ctx.args.required("channel"))
        if not (channel.is_im or channel.is_mpim) or ctx.bot not in channel.members:
            raise SlackError("channel_not_found")
        return {"channel": {"id": channel.id}}
    refs = ctx.args.strings("users")
    if not refs:
        raise SlackError("users_list_not_supplied")
    if len(refs) > 8:
        raise SlackError("too_many_users")
    user_ids = [state.user(r)["id"] for r in refs]
    existing = {c.id for c in state.channels.values()}
    channel = state.direct_channel([ctx.bot, *user_ids])
    already = channel.id in existing
    body = _info(ctx, channel) if ctx.args.flag("return_im") else {"id": channel.id}
    return {"no_op": already, "already_open": already, "channel": body}


METHODS: dict[str, Handler] = {
    "conversations.create": create,
    "conversations.info": info,
    "conversations.list": list_,
    "conversations.join": join,
    "conversations.invite": invite,
    "conversations.kick": kick,
    "conversations.leave": leave,
    "conversations.rename": rename,
    "conversations.setTopic": set_topic,
    "conversations.setPurpose": set_purpose,
    "conversations.archive": archive,
    "conversations.unarchive": unarchive,
    "conversations.members": members,
    "conversations.open": open_,
}
