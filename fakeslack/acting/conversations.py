"""Acting in conversations: messages, pins, reactions, joining, renaming, archiving."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from ..errors import SlackError
from ..files import file_object
from ..webapi.conversations import check_channel_name
from ..webapi.items import add_pin, add_reaction, pin_item, remove_pin, remove_reaction
from .base import ActorBase


class ConversationActions(ActorBase):
    # -- messages ----------------------------------------------------------------------------

    def post_message(
        self,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        *,
        blocks: list[dict[str, Any]] | None = None,
        files: list[str] | None = None,
    ) -> str:
        """Post as this user; delivers ``message``, and ``app_mention`` if the bot is mentioned.
        ``files``: names of files shared with it (``graph.png``), as Slack describes them:
        private URLs on this server and, for images, thumbnails, fetched only with a token."""
        state = self.state
        with state.lock:
            if channel in state.users:
                target = state.direct_channel([self.user_id, channel])
            elif channel in state.channels and state.channels[channel].is_im:
                target = state.channels[channel]
            else:
                target = self._member_channel(channel)
            text = self._linkify(text)
            message: dict[str, Any] = {
                "type": "message",
                "user": self.user_id,
                "text": text,
                "ts": state.clock.ts(),
                "team": state.team_id,
                "client_msg_id": str(uuid.uuid4()),
            }
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            if files:
                message["subtype"] = "file_share"
                message["files"] = [self._file(name) for name in files]
            if thread_ts:
                message["thread_ts"] = thread_ts
            state.add_message(target, message)
            events = []
            if self._bot_hears(target):
                event = {**copy.deepcopy(message), "channel": target.id, "event_ts": message["ts"]}
                events.append({**event, "channel_type": target.channel_type})
                if f"<@{state.bot_user_id}>" in text and not target.is_im:
                    events.append({**event, "type": "app_mention"})
        self._emit(*events)
        return str(message["ts"])

    def _file(self, name: str) -> dict[str, Any]:
        state = self.state
        return file_object(
            base_url=self.slack.url,
            team_id=state.team_id,
            team_url=str(state.team["url"]),
            user_id=self.user_id,
            file_id=state.ids.new("F"),
            name=name,
        )

    def edit_message(self, channel: str, ts: str, text: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            message = state.message(target, ts)
            if message.get("user") != self.user_id:
                raise SlackError("cant_update_message")
            previous = copy.deepcopy(message)
            message["text"] = self._linkify(text)
            message["edited"] = {"user": self.user_id, "ts": state.clock.ts()}
            event = {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "channel": target.id,
                "channel_type": target.channel_type,
                "ts": state.clock.ts(),
                "message": copy.deepcopy(message),
                "previous_message": previous,
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    def delete_message(self, channel: str, ts: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            message = state.message(target, ts)
            if message.get("user") != self.user_id and not state.users[self.user_id]["is_admin"]:
                raise SlackError("cant_delete_message")
            state.remove_message(target, ts)
            event = {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "channel": target.id,
                "channel_type": target.channel_type,
                "ts": state.clock.ts(),
                "deleted_ts": ts,
                "previous_message": message,
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    # -- pins and reactions ------------------------------------------------------------------

    def pin(self, channel: str, ts: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            pin = add_pin(state, target, ts, self.user_id)
            item = pin_item(target, pin, pin["message"])
            event = {
                "type": "pin_added",
                "user": self.user_id,
                "channel_id": target.id,
                "item": item,
                "item_user": pin["message"].get("user"),
                "pin_count": len(target.pins),
                "pinned_info": {
                    "channel": target.id,
                    "pinned_by": self.user_id,
                    "pinned_ts": pin["created"],
                },
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    def unpin(self, channel: str, ts: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            pin = remove_pin(state, target, ts)
            event = {
                "type": "pin_removed",
                "user": self.user_id,
                "channel_id": target.id,
                "item": pin_item(target, pin, pin["message"]),
                "item_user": pin["message"].get("user"),
                "pin_count": len(target.pins),
                "has_pins": bool(target.pins),
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    def react(self, channel: str, ts: str, name: str) -> None:
        self._reaction(channel, ts, name, added=True)

    def unreact(self, channel: str, ts: str, name: str) -> None:
        self._reaction(channel, ts, name, added=False)

    def _reaction(self, channel: str, ts: str, name: str, *, added: bool) -> None:
        state = self.state
        name = name.strip(":")
        with state.lock:
            target = self._channel(channel)
            change = add_reaction if added else remove_reaction
            message = change(state, target, ts, name, self.user_id)
            event = {
                "type": "reaction_added" if added else "reaction_removed",
                "user": self.user_id,
                "reaction": name,
                "item_user": message.get("user"),
                "item": {"type": "message", "channel": target.id, "ts": ts},
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    # -- channels ----------------------------------------------------------------------------

    def join(self, channel: str) -> None:
        state = self.state
        with state.lock:
            target = self._channel(channel)
            if target.is_archived:
                raise SlackError("is_archived")
            if self.user_id in target.members:
                return
            target.members.append(self.user_id)
            event = {
                "type": "member_joined_channel",
                "user": self.user_id,
                "channel": target.id,
                "channel_type": "G" if target.is_private else "C",
                "team": state.team_id,
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    def leave(self, channel: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            if target.is_general:
                raise SlackError("cant_leave_general")
            target.members.remove(self.user_id)
            event = {
                "type": "member_left_channel",
                "user": self.user_id,
                "channel": target.id,
                "channel_type": "G" if target.is_private else "C",
                "team": state.team_id,
            }
            hears = self._bot_hears(target)
        if hears:
            self._emit(event)

    def rename_channel(self, channel: str, name: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            check_channel_name(state, name, renaming=target)
            target.previous_names.insert(0, target.name)
            target.name = name
            kind = "group_rename" if target.is_private else "channel_rename"
            event = {
                "type": kind,
                "channel": {
                    "id": target.id,
                    "name": name,
                    "name_normalized": name,
                    "created": target.created,
                    "is_channel": not target.is_private,
                    "is_mpim": False,
                },
            }
            hears = not target.is_private or self._bot_hears(target)
        if hears:
            self._emit(event)

    def archive_channel(self, channel: str) -> None:
        state = self.state
        with state.lock:
            target = self._member_channel(channel)
            if target.is_general:
                raise SlackError("cant_archive_general")
            target.is_archived = True
            kind = "group_archive" if target.is_private else "channel_archive"
            event = {"type": kind, "channel": target.id, "user": self.user_id}
            hears = not target.is_private or self._bot_hears(target)
        if hears:
            self._emit(event)

    def set_topic(self, channel: str, topic: str) -> None:
        with self.state.lock:
            target = self._member_channel(channel)
            target.topic = {"value": topic, "creator": self.user_id, "last_set": 0}
