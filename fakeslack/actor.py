"""Acting as a user: what a person does in the Slack client, and what Slack then delivers.

Every method changes the workspace the way the client would (refusing what the client would not
allow, with a ``SlackError``), then delivers the resulting events or interaction to the app and,
for interactions, waits for and honours its answer. The state lock is never held while
delivering, so the app can call the Web API meanwhile.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import TYPE_CHECKING, Any

from . import payloads
from .deliver import Delivery
from .errors import SlackError
from .inputs import action_payload, element_state, find_element, state_values
from .replies import apply_view_response, post_reply
from .state import Channel, ResponseTarget
from .webapi.conversations import check_channel_name
from .webapi.items import add_pin, add_reaction, pin_item, remove_pin, remove_reaction

if TYPE_CHECKING:
    from .fake import FakeSlack

_MENTION = re.compile(r"(?<![<\w])@([a-z0-9._-]+)")
# An immediate answer to a command is a message only if it has content.
_MESSAGE_KEYS = ("text", "blocks", "attachments")
_CHANNEL_LINK = re.compile(r"(?<![<\w])#([a-z0-9_-]+)")


def _is_message(body: object) -> bool:
    if isinstance(body, str):
        return bool(body.strip())
    return isinstance(body, dict) and any(body.get(k) for k in _MESSAGE_KEYS)


class Actor:
    """One user of the workspace. Get one with ``slack.actor("alice")``."""

    def __init__(self, slack: FakeSlack, user_id: str) -> None:
        self.slack = slack
        self.state = slack.state
        self.user_id = user_id

    @property
    def name(self) -> str:
        return self.state.users[self.user_id]["name"]

    def __repr__(self) -> str:
        return f"<Actor {self.name} {self.user_id}>"

    # -- helpers -----------------------------------------------------------------------------

    def _channel(self, ref: str) -> Channel:
        channel = self.state.channel(ref)
        if channel.is_private and self.user_id not in channel.members:
            raise SlackError("channel_not_found", f"{self.name} cannot see {ref}")
        return channel

    def _member_channel(self, ref: str) -> Channel:
        channel = self._channel(ref)
        if self.user_id not in channel.members:
            raise SlackError(
                "not_in_channel", f"{self.name} is not in #{channel.name}; call .join() first"
            )
        if channel.is_archived:
            raise SlackError("is_archived")
        return channel

    def _bot_hears(self, channel: Channel) -> bool:
        return self.state.bot_user_id in channel.members

    def _linkify(self, text: str) -> str:
        """``@alice`` -> ``<@U…>`` and ``#incidents`` -> ``<#C…|incidents>``, as the client does."""

        def mention(match: re.Match) -> str:
            word = match.group(1)
            if word in ("here", "channel", "everyone"):
                return f"<!{word}>"
            try:
                return f"<@{self.state.user(word)['id']}>"
            except SlackError:
                return match.group(0)

        def channel_link(match: re.Match) -> str:
            channel = self.state.channel_named(match.group(1))
            return f"<#{channel.id}|{channel.name}>" if channel else match.group(0)

        return _CHANNEL_LINK.sub(channel_link, _MENTION.sub(mention, text))

    def _emit(self, *events: dict) -> list[Delivery]:
        return self.slack.emit(*events)

    def _response_url(self, target: ResponseTarget) -> str:
        return self.slack.new_response_url(target)

    # -- messages ----------------------------------------------------------------------------

    def post_message(
        self, channel: str, text: str, thread_ts: str | None = None, *, blocks: list | None = None
    ) -> str:
        """Post as this user; delivers ``message``, and ``app_mention`` if the bot is mentioned."""
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
        return message["ts"]

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

    # -- commands and shortcuts --------------------------------------------------------------

    def slash_command(self, command: str, text: str = "", channel: str = "general") -> Delivery:
        """Run a slash command; the app's immediate answer is posted (ephemeral or in_channel)."""
        state = self.state
        if not command.startswith("/"):
            command = "/" + command
        with state.lock:
            target = self._channel(channel)
            trigger_id = state.issue_trigger(self.user_id)
            response_url = self._response_url(ResponseTarget(target.id, self.user_id))
            form = payloads.command_form(
                state,
                command=command,
                text=text,
                channel=target,
                user_id=self.user_id,
                response_url=response_url,
                trigger_id=trigger_id,
            )
        delivery = self.slack.dispatcher.command(form, trigger_id)
        with state.lock:
            reply_target = ResponseTarget(target.id, self.user_id)
            body = delivery.body
            if delivery.transport == "none":
                pass  # no app configured: nothing to answer
            elif not delivery.ok:
                # What the Slack client shows when the app does not answer in time.
                error = (
                    "operation_timeout"
                    if delivery.error in ("http_timeout", "timeout")
                    else "dispatch_failed"
                )
                post_reply(
                    state, reply_target, {"text": f'{command} failed with the error "{error}"'}
                )
            elif _is_message(body):
                post_reply(state, reply_target, body)
        return delivery

    def global_shortcut(self, callback_id: str) -> Delivery:
        with self.state.lock:
            trigger_id = self.state.issue_trigger(self.user_id)
            payload = payloads.global_shortcut(
                self.state, user_id=self.user_id, callback_id=callback_id, trigger_id=trigger_id
            )
        return self.slack.dispatcher.interaction(payload, trigger_id)

    def message_shortcut(self, callback_id: str, channel: str, ts: str) -> Delivery:
        state = self.state
        with state.lock:
            target = self._channel(channel)
            message = state.message(target, ts)
            trigger_id = state.issue_trigger(self.user_id)
            payload = payloads.message_shortcut(
                state,
                user_id=self.user_id,
                callback_id=callback_id,
                channel=target,
                message=message,
                trigger_id=trigger_id,
                response_url=self._response_url(ResponseTarget(target.id, self.user_id)),
            )
        return self.slack.dispatcher.interaction(payload, trigger_id)

    # -- buttons and selects -----------------------------------------------------------------

    def click(self, channel: str, message_ts: str, action_id: str, value: Any = None) -> Delivery:
        """Click a button (or choose ``value`` in a select/overflow) in a message.

        Also works on ephemeral messages shown to this user, found by their ``ts``.
        """
        state = self.state
        with state.lock:
            target = self._channel(channel)
            ephemeral = next(
                (
                    e
                    for e in state.ephemeral
                    if e["ts"] == message_ts and e["recipient"] == self.user_id
                ),
                None,
            )
            message = ephemeral or state.message(target, message_ts)
            block, element = find_element(message.get("blocks") or [], action_id)
            trigger_id = state.issue_trigger(self.user_id)
            values = state_values(message.get("blocks") or [])
            if value is not None and element.get("type") != "button" and block.get("block_id"):
                values.setdefault(block["block_id"], {})[action_id] = element_state(element, value)
            response_url = self._response_url(
                ResponseTarget(target.id, self.user_id, message_ts, is_ephemeral=bool(ephemeral))
            )
            shown = {k: v for k, v in message.items() if k not in ("channel", "recipient")}
            payload = payloads.block_actions_on_message(
                state,
                user_id=self.user_id,
                channel=target,
                message=shown,
                action=action_payload(block, element, value, state.clock.ts()),
                trigger_id=trigger_id,
                response_url=response_url,
                state_values=values,
                is_ephemeral=bool(ephemeral),
            )
        return self.slack.dispatcher.interaction(payload, trigger_id)

    # -- modals ------------------------------------------------------------------------------

    def _open_view(self, view_id: str):
        record = self.state.views.get(view_id)
        if record.user_id != self.user_id:
            raise SlackError("not_found", f"view {view_id} is not shown to {self.name}")
        if not record.is_open and record.view["type"] == "modal":
            raise SlackError("view_closed", f"view {view_id} is no longer open")
        return record

    def click_in_view(self, view_id: str, action_id: str, value: Any = None) -> Delivery:
        """Click a button or choose a value in a modal or App Home; delivers ``block_actions``."""
        state = self.state
        with state.lock:
            record = self._open_view(view_id)
            view = record.view
            block, element = find_element(view["blocks"], action_id)
            if value is not None and element.get("type") != "button":
                values = view["state"]["values"].setdefault(block["block_id"], {})
                values[action_id] = element_state(element, value)
            trigger_id = state.issue_trigger(self.user_id)
            view_shown = copy.deepcopy(view)
            view_shown["state"]["values"] = state_values(view["blocks"], view["state"]["values"])
            payload = payloads.block_actions_in_view(
                state,
                user_id=self.user_id,
                view=view_shown,
                action=action_payload(block, element, value, state.clock.ts()),
                trigger_id=trigger_id,
            )
        return self.slack.dispatcher.interaction(payload, trigger_id)

    def suggest_in_view(self, view_id: str, action_id: str, value: str) -> Delivery:
        """Type ``value`` into an external select in a view: delivers ``block_suggestion``.

        The app's answer (``delivery.body["options"]`` or ``["option_groups"]``) is what the
        user would be offered.
        """
        state = self.state
        with state.lock:
            record = self._open_view(view_id)
            block, _ = find_element(record.view["blocks"], action_id)
            payload = payloads.block_suggestion(
                state,
                user_id=self.user_id,
                view=record.view,
                block_id=block.get("block_id", ""),
                action_id=action_id,
                value=value,
            )
        return self.slack.dispatcher.interaction(payload)

    def submit_view(
        self, view_id: str, values: dict[str, dict[str, Any]] | None = None
    ) -> Delivery:
        """Submit a modal. Inputs not in ``values`` keep what was typed or their initial value.

        The app's ``response_action`` is honoured: ``errors`` keeps the view open with its
        errors (see ``slack.view(id)["errors"]``), ``update``, ``push`` and ``clear`` change the
        stack; an empty answer closes the view.
        """
        state = self.state
        with state.lock:
            record = self._open_view(view_id)
            view = record.view
            view["state"]["values"] = state_values(
                view["blocks"], view["state"]["values"], values, require=True
            )
            trigger_id = state.issue_trigger(self.user_id)
            payload = payloads.view_submission(
                state, user_id=self.user_id, view=view, trigger_id=trigger_id
            )
        delivery = self.slack.dispatcher.interaction(payload, trigger_id)
        if delivery.ok:
            with state.lock:
                apply_view_response(state, record, delivery.body)
        return delivery

    def close_view(self, view_id: str) -> Delivery | None:
        """Dismiss a modal; delivers ``view_closed`` only when the view asked for it."""
        state = self.state
        with state.lock:
            record = self._open_view(view_id)
            view = copy.deepcopy(record.view)
            cleared = bool(view.get("clear_on_close"))
            if cleared:
                state.views.clear(view_id)
            else:
                state.views.close(view_id)
            payload = payloads.view_closed(
                state, user_id=self.user_id, view=view, is_cleared=cleared
            )
        if not view.get("notify_on_close"):
            return None
        return self.slack.dispatcher.interaction(payload)

    # -- App Home ----------------------------------------------------------------------------

    def open_app_home(self, tab: str = "home") -> Delivery | None:
        """Open the app's Home tab; delivers ``app_home_opened`` (with the published view)."""
        state = self.state
        with state.lock:
            channel = state.direct_channel([state.bot_user_id, self.user_id])
            event: dict[str, Any] = {
                "type": "app_home_opened",
                "user": self.user_id,
                "channel": channel.id,
                "tab": tab,
            }
            home_id = state.views.home.get(self.user_id)
            if home_id:
                event["view"] = copy.deepcopy(state.views.records[home_id].view)
        deliveries = self._emit(event)
        return deliveries[0] if deliveries else None
