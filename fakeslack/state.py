"""The workspace in memory: team, users, channels with their messages, pins and bookmarks.

Everything is guarded by one re-entrant lock (``State.lock``). Web API handlers and actors hold it
while they read or change state, and never while they deliver to the app, so the app can call back
into the Web API while fakeslack waits for its answer.
"""

from __future__ import annotations

import bisect
import copy
import datetime
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SlackError
from .ids import Clock, IdFactory, avatar_url, new_trigger_id
from .viewstore import ViewStore
from .workspace import Workspace

MAX_TEXT_LENGTH = 40_000


def _ts(message: dict[str, Any]) -> str:
    return str(message["ts"])


@dataclass
class Channel:
    id: str
    name: str
    created: int
    creator: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_general: bool = False
    is_archived: bool = False
    members: list[str] = field(default_factory=list)
    topic: dict[str, Any] = field(default_factory=dict)
    purpose: dict[str, Any] = field(default_factory=dict)
    previous_names: list[str] = field(default_factory=list)
    # Messages and thread replies, ordered by ts.
    messages: list[dict[str, Any]] = field(default_factory=list)
    # ts of pinned messages, in pin order, with who pinned and when.
    pins: list[dict[str, Any]] = field(default_factory=list)
    bookmarks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def channel_type(self) -> str:
        """The ``channel_type`` of message events."""
        if self.is_im:
            return "im"
        if self.is_mpim:
            return "mpim"
        return "group" if self.is_private else "channel"

    def to_api(self, *, viewer: str) -> dict[str, Any]:
        """The conversation object of ``conversations.info`` as seen by ``viewer``."""
        if self.is_im:
            other = next((m for m in self.members if m != viewer), viewer)
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": other,
                "is_user_deleted": False,
                "priority": 0,
            }
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private and not self.is_mpim,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private,
            "created": self.created,
            "creator": self.creator,
            "is_archived": self.is_archived,
            "is_general": self.is_general,
            "unlinked": 0,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "is_member": viewer in self.members,
            "topic": dict(self.topic),
            "purpose": dict(self.purpose),
            "previous_names": list(self.previous_names),
            "num_members": len(self.members),
        }

    def index_of(self, ts: str) -> int | None:
        # ts strings of this era have a fixed width, so they sort as numbers do.
        i = bisect.bisect_left(self.messages, ts, key=_ts)
        return i if i < len(self.messages) and self.messages[i]["ts"] == ts else None


@dataclass
class ResponseTarget:
    """Where a ``response_url`` posts: the channel, the user, and the message it came from."""

    channel_id: str
    user_id: str
    message_ts: str | None = None
    is_ephemeral: bool = False
    uses: int = 0


@dataclass
class Trigger:
    user_id: str
    issued: float
    used: bool = False


def _tz_fields(tz: str) -> dict[str, Any]:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone, tz = ZoneInfo("UTC"), "UTC"
    now = datetime.datetime.now(zone)
    offset = now.utcoffset() or datetime.timedelta()
    return {"tz": tz, "tz_label": now.tzname() or tz, "tz_offset": int(offset.total_seconds())}


class State:
    def __init__(self, workspace: Workspace, *, trigger_ttl: float = 3.0) -> None:
        self.lock = threading.RLock()
        self.workspace = workspace
        self.trigger_ttl = trigger_ttl
        self.ids = IdFactory(workspace.seed)
        self.clock = Clock()
        self.views = ViewStore(self.ids)
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, Channel] = {}
        self.usergroups: dict[str, dict[str, Any]] = {}
        self.triggers: dict[str, Trigger] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.response_urls: dict[str, ResponseTarget] = {}
        self._seed(workspace)

    # -- seeding -------------------------------------------------------------------------------

    def _id(self, given: str | None, prefix: str) -> str:
        return self.ids.reserve(given) if given else self.ids.new(prefix)

    def _seed(self, ws: Workspace) -> None:
        self.team_id = self._id(ws.team_id, "T")
        self.bot_user_id = self._id(ws.bot_user_id, "U")
        self.bot_id = self._id(ws.bot_id, "B")
        self.app_id = self._id(ws.app_id, "A")
        self.views.stamp = {"team_id": self.team_id, "app_id": self.app_id, "bot_id": self.bot_id}
        self.team = {
            "id": self.team_id,
            "name": ws.team_name,
            "domain": ws.team_domain,
            "email_domain": f"{ws.team_domain}.example",
            "url": f"https://{ws.team_domain}.slack.com/",
            "icon": {"image_default": True},
        }
        now = int(time.time())
        self.users[self.bot_user_id] = {
            **self._user_object(self.bot_user_id, ws.bot_name, ws.bot_name, "", "UTC", now),
            "is_bot": True,
            "profile": {
                "real_name": ws.bot_name,
                "display_name": ws.bot_name,
                "bot_id": self.bot_id,
                "api_app_id": self.app_id,
                "always_active": True,
                "team": self.team_id,
            },
        }
        for user_seed in ws.users:
            uid = self._id(user_seed.id, "U")
            user = self._user_object(
                uid,
                user_seed.name,
                user_seed.real_name or user_seed.name,
                user_seed.email,
                user_seed.tz,
                now,
            )
            user["is_admin"] = user_seed.is_admin
            user["profile"]["title"] = user_seed.title
            self.users[uid] = user
        for seed in ws.channels:
            names = [u.name for u in ws.users] if seed.members == "*" else list(seed.members)
            members = [self.user(n)["id"] for n in names]
            if seed.bot_member:
                members.append(self.bot_user_id)
            creator = members[0] if members else self.bot_user_id
            channel = Channel(
                id=self._id(seed.id, "G" if seed.private else "C"),
                name=seed.name,
                created=now,
                creator=creator,
                is_private=seed.private,
                is_general=seed.general,
                members=members,
                topic={
                    "value": seed.topic,
                    "creator": creator if seed.topic else "",
                    "last_set": 0,
                },
                purpose={
                    "value": seed.purpose,
                    "creator": creator if seed.purpose else "",
                    "last_set": 0,
                },
            )
            self.channels[channel.id] = channel
        for group_seed in ws.usergroups:
            gid = self._id(group_seed.id, "S")
            self.usergroups[gid] = {
                "id": gid,
                "team_id": self.team_id,
                "is_usergroup": True,
                "name": group_seed.name or group_seed.handle,
                "handle": group_seed.handle,
                "description": group_seed.description,
                "is_external": False,
                "date_create": now,
                "date_update": now,
                "date_delete": 0,
                "users": [self.user(n)["id"] for n in group_seed.users],
                "user_count": len(group_seed.users),
            }

    def _user_object(
        self, uid: str, name: str, real_name: str, email: str, tz: str, now: int
    ) -> dict[str, Any]:
        display = name
        return {
            "id": uid,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            **_tz_fields(tz),
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": now,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": display,
                "display_name_normalized": display,
                "email": email,
                "title": "",
                "team": self.team_id,
                "image_48": avatar_url(uid, 48),
                "image_72": avatar_url(uid, 72),
            },
        }

    # -- lookups -------------------------------------------------------------------------------

    def user(self, ref: str) -> dict[str, Any]:
        """A user by id, name or email; ``user_not_found`` otherwise."""
        if ref in self.users:
            return self.users[ref]
        for user in self.users.values():
            if ref in (user["name"], user["profile"].get("email")) or ref == "@" + user["name"]:
                return user
        raise SlackError("user_not_found", f"no user {ref!r}")

    def channel(self, ref: str) -> Channel:
        """A channel by id, name or ``#name``; ``channel_not_found`` otherwise."""
        if ref in self.channels:
            return self.channels[ref]
        name = ref.removeprefix("#")
        for channel in self.channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        raise SlackError("channel_not_found", f"no channel {ref!r}")

    def channel_named(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def message(self, channel: Channel, ts: str) -> dict[str, Any]:
        index = channel.index_of(ts)
        if index is None:
            raise SlackError("message_not_found", f"no message {ts} in {channel.id}")
        return channel.messages[index]

    def bot_can_see(self, channel: Channel) -> bool:
        """Public channels are visible to the bot; private ones and DMs only when it is a member."""
        return (not channel.is_private and not channel.is_im) or self.bot_user_id in channel.members

    def visible_channel(self, ref: str) -> Channel:
        """Resolve a channel the bot may see; private channels it is not in do not exist for it."""
        channel = self.channel(ref)
        if not self.bot_can_see(channel):
            raise SlackError("channel_not_found")
        return channel

    # -- changes -------------------------------------------------------------------------------

    def new_channel(self, *, name: str, creator: str, is_private: bool = False) -> Channel:
        channel = Channel(
            id=self.ids.new("G" if is_private else "C"),
            name=name,
            created=int(time.time()),
            creator=creator,
            is_private=is_private,
            members=[creator],
            topic={"value": "", "creator": "", "last_set": 0},
            purpose={"value": "", "creator": "", "last_set": 0},
        )
        self.channels[channel.id] = channel
        return channel

    def direct_channel(self, user_ids: list[str]) -> Channel:
        """The IM (two people) or MPIM (more) between these users, created on first use."""
        members = sorted(set(user_ids))
        for channel in self.channels.values():
            if (channel.is_im or channel.is_mpim) and sorted(channel.members) == members:
                return channel
        is_mpim = len(members) > 2
        names = "--".join(self.users[m]["name"] for m in members)
        channel = Channel(
            id=self.ids.new("G" if is_mpim else "D"),
            name=f"mpdm-{names}-1" if is_mpim else members[-1],
            created=int(time.time()),
            creator=user_ids[0],
            is_private=True,
            is_im=not is_mpim,
            is_mpim=is_mpim,
            members=members,
        )
        self.channels[channel.id] = channel
        return channel

    def add_message(self, channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
        """Store a message in ts order, updating its thread parent's reply metadata."""
        channel.messages.insert(
            bisect.bisect_right(channel.messages, message["ts"], key=_ts), message
        )
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != message["ts"]:
            index = channel.index_of(thread_ts)
            if index is not None:
                parent = channel.messages[index]
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                users = parent.setdefault("reply_users", [])
                if message.get("user") and message["user"] not in users:
                    users.append(message["user"])
                parent["reply_users_count"] = len(users)
                parent["latest_reply"] = message["ts"]
                message["parent_user_id"] = parent.get("user")
        return message

    def remove_message(self, channel: Channel, ts: str) -> dict[str, Any]:
        index = channel.index_of(ts)
        if index is None:
            raise SlackError("message_not_found")
        message = channel.messages.pop(index)
        channel.pins = [p for p in channel.pins if p["ts"] != ts]
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            parent_index = channel.index_of(thread_ts)
            if parent_index is not None:
                parent = channel.messages[parent_index]
                parent["reply_count"] = max(0, parent.get("reply_count", 1) - 1)
        return message

    def issue_trigger(self, user_id: str) -> str:
        trigger_id = new_trigger_id()
        self.triggers[trigger_id] = Trigger(user_id=user_id, issued=time.monotonic())
        return trigger_id

    def exchange_trigger(self, trigger_id: str) -> Trigger:
        """Use a trigger id once, within ``trigger_ttl`` seconds of its issue."""
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if time.monotonic() - trigger.issued > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def snapshot_message(self, channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
        """A copy of a stored message with conveniences for tests: channel and pinned."""
        result = copy.deepcopy(message)
        result["channel"] = channel.id
        result["pinned"] = any(p["ts"] == message["ts"] for p in channel.pins)
        return result
