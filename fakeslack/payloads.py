"""The JSON shapes Slack sends to an app: event envelopes and interaction payloads.

Pure builders: they read the workspace and return new dicts; the caller holds the state lock.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from .ids import new_event_id
from .state import Channel, State

# Slack still sends the deprecated verification token; Bolt ignores it when signing is on.
VERIFICATION_TOKEN = "fakeslack-verification-token"


def user_ref(state: State, user_id: str) -> dict[str, Any]:
    user = state.users[user_id]
    return {"id": user_id, "username": user["name"], "name": user["name"], "team_id": state.team_id}


def team_ref(state: State) -> dict[str, Any]:
    return {"id": state.team_id, "domain": state.team["domain"]}


def channel_ref(channel: Channel) -> dict[str, Any]:
    return {"id": channel.id, "name": channel.name}


def event_envelope(state: State, event: dict[str, Any]) -> dict[str, Any]:
    """An Events API ``event_callback`` wrapping one event."""
    event = {**event, "event_ts": event.get("event_ts") or state.clock.ts()}
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": state.team_id,
        "context_team_id": state.team_id,
        "api_app_id": state.app_id,
        "event": event,
        "type": "event_callback",
        "event_id": new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": state.team_id,
                "user_id": state.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event['type']}-{state.team_id}",
    }


def command_form(
    state: State,
    *,
    command: str,
    text: str,
    channel: Channel,
    user_id: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """The form fields of a slash command request."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": state.team_id,
        "team_domain": state.team["domain"],
        "channel_id": channel.id,
        "channel_name": "directmessage" if channel.is_im else channel.name,
        "user_id": user_id,
        "user_name": state.users[user_id]["name"],
        "command": command,
        "text": text,
        "api_app_id": state.app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def _interaction(state: State, kind: str, user_id: str, /, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user_ref(state, user_id),
        "api_app_id": state.app_id,
        "token": VERIFICATION_TOKEN,
        "team": team_ref(state),
        "enterprise": None,
        "is_enterprise_install": False,
        **fields,
    }


def block_actions_on_message(
    state: State,
    *,
    user_id: str,
    channel: Channel,
    message: dict[str, Any],
    action: dict[str, Any],
    trigger_id: str,
    response_url: str,
    state_values: dict[str, Any],
    is_ephemeral: bool = False,
) -> dict[str, Any]:
    return _interaction(
        state,
        "block_actions",
        user_id,
        container={
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel.id,
            "is_ephemeral": is_ephemeral,
        },
        trigger_id=trigger_id,
        channel=channel_ref(channel),
        message=copy.deepcopy(message),
        state={"values": state_values},
        response_url=response_url,
        actions=[action],
    )


def block_actions_in_view(
    state: State, *, user_id: str, view: dict[str, Any], action: dict[str, Any], trigger_id: str
) -> dict[str, Any]:
    return _interaction(
        state,
        "block_actions",
        user_id,
        container={"type": "view", "view_id": view["id"]},
        trigger_id=trigger_id,
        view=copy.deepcopy(view),
        actions=[action],
    )


def block_suggestion(
    state: State, *, user_id: str, view: dict[str, Any], block_id: str, action_id: str, value: str
) -> dict[str, Any]:
    return _interaction(
        state,
        "block_suggestion",
        user_id,
        container={"type": "view", "view_id": view["id"]},
        action_id=action_id,
        block_id=block_id,
        value=value,
        view=copy.deepcopy(view),
    )


def view_submission(
    state: State, *, user_id: str, view: dict[str, Any], trigger_id: str
) -> dict[str, Any]:
    return _interaction(
        state,
        "view_submission",
        user_id,
        trigger_id=trigger_id,
        view=copy.deepcopy(view),
        response_urls=[],
    )


def view_closed(
    state: State, *, user_id: str, view: dict[str, Any], is_cleared: bool
) -> dict[str, Any]:
    return _interaction(
        state, "view_closed", user_id, view=copy.deepcopy(view), is_cleared=is_cleared
    )


def global_shortcut(
    state: State, *, user_id: str, callback_id: str, trigger_id: str
) -> dict[str, Any]:
    return _interaction(
        state,
        "shortcut",
        user_id,
        callback_id=callback_id,
        trigger_id=trigger_id,
        action_ts=state.clock.ts(),
    )


def message_shortcut(
    state: State,
    *,
    user_id: str,
    callback_id: str,
    channel: Channel,
    message: dict[str, Any],
    trigger_id: str,
    response_url: str,
) -> dict[str, Any]:
    return _interaction(
        state,
        "message_action",
        user_id,
        callback_id=callback_id,
        trigger_id=trigger_id,
        action_ts=state.clock.ts(),
        message_ts=message["ts"],
        message=copy.deepcopy(message),
        channel=channel_ref(channel),
        response_url=response_url,
    )
