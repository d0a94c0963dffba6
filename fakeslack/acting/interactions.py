"""Interacting with the app: slash commands, shortcuts, buttons, selects, modals, App Home."""

from __future__ import annotations

import copy
from typing import Any

from .. import payloads
from ..deliver import Delivery
from ..errors import SlackError
from ..inputs import action_payload, element_state, find_element, state_values
from ..replies import apply_view_response, post_reply
from ..state import ResponseTarget
from ..viewstore import ViewRecord
from .base import ActorBase

# An immediate answer to a command is a message only if it has content.
_MESSAGE_KEYS = ("text", "blocks", "attachments")


def _is_message(body: object) -> bool:
    if isinstance(body, str):
        return bool(body.strip())
    return isinstance(body, dict) and any(body.get(k) for k in _MESSAGE_KEYS)


class InteractionActions(ActorBase):
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

    def _open_view(self, view_id: str) -> ViewRecord:
        record = self.state.views.get(view_id)
        if record.user_id != self.user_id:
            raise SlackError("not_found", f"view {view_id} is not shown to {self.name}")
        if not record.is_open and record.view["type"] == "modal":
            raise SlackError("view_closed", f"view {view_id} is no longer open")
        return record

    def click_in_view(self, view_id: str, action_id: str, value: Any = None) -> Delivery:
        """Click a button or choose a value in a modal or App Home; delivers ``block_actions``.

        In an input block Slack tells the app only when the block has ``dispatch_action``
        (otherwise the value arrives with the submission: see ``enter_in_view``)."""
        state = self.state
        with state.lock:
            record = self._open_view(view_id)
            view = record.view
            block, element = find_element(view["blocks"], action_id)
            if block.get("type") == "input" and not block.get("dispatch_action"):
                raise ValueError(
                    f"Slack sends no block_actions for {action_id!r}: its input block has no "
                    "dispatch_action (use enter_in_view)"
                )
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

    def enter_in_view(self, view_id: str, action_id: str, value: Any) -> Delivery | None:
        """Type or choose ``value`` in an input of a modal, as a person fills in a form: Slack
        keeps it in the view's state, and tells the app at once only when the input block has
        ``dispatch_action`` (then this is ``click_in_view``)."""
        with self.state.lock:
            view = self._open_view(view_id).view
            block, element = find_element(view["blocks"], action_id)
            if block.get("type") != "input" or block.get("dispatch_action"):
                dispatch = True
            else:
                dispatch = False
                values = view["state"]["values"].setdefault(block["block_id"], {})
                values[action_id] = element_state(element, value)
        return self.click_in_view(view_id, action_id, value) if dispatch else None

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
