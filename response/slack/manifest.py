"""The Slack app manifest: paste it at api.slack.com/apps → Create New App → From a manifest."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from response.slack.blocks import ids
from response.slack.decorators import EVENT_HANDLERS
from response.slack.signin import flow as signin_flow
from response.slack.signin import oidc

BOT_SCOPES = [
    "app_mentions:read",  # @Response commands
    "bookmarks:write",  # the incident page bookmark in the channel
    "channels:history",  # pinned and reacted messages for the timeline; our own posts
    "channels:join",  # join the incidents channel
    "channels:manage",  # create, rename, invite, set topics of public channels
    "channels:read",
    "chat:write",
    "chat:write.public",  # the headline post, without joining first
    "commands",  # /incident
    "groups:history",  # the same, for private incidents' channels
    "groups:read",
    "groups:write",
    "im:history",  # before posting a DM again, check the first try did not arrive
    "im:write",  # DMs to the lead
    "pins:read",
    "pins:write",  # the call link, pinned in the channel
    "reactions:read",
    "reactions:write",  # ✅ and ❓ on commands
    "users:read",  # names and time zones
    "users:read.email",
    "usergroups:read",  # groups invited by severity or by `invite`; staff by group
]

BOT_EVENTS = [
    "app_home_opened",
    "app_mention",
    "channel_rename",
    "group_rename",
    "member_joined_channel",
    "member_left_channel",
    "message.channels",
    "message.groups",
    "pin_added",
    "pin_removed",
    "reaction_added",
    "reaction_removed",
]


def plugin_events() -> list[str]:
    """Event subscriptions the plugins' @event_handler functions need."""
    names = set()
    for spec in EVENT_HANDLERS.values():
        if spec.event_type == "message":
            names.update({"message.channels", "message.groups"})
        else:
            names.add(spec.event_type)
    return sorted(names)


def oauth_config(*, sign_in: bool) -> dict:
    """The bot's scopes; for Sign in with Slack also OpenID Connect's user scopes and the
    callback, which Slack only sends people back to when the app lists it."""
    if not sign_in:
        return {"scopes": {"bot": BOT_SCOPES}}
    return {
        "redirect_urls": [signin_flow.redirect_uri()],
        "scopes": {"bot": BOT_SCOPES, "user": list(oidc.SCOPES)},
    }


def build_manifest(
    *, http_base_url: str | None = None, name: str = "Response", sign_in: bool | None = None
) -> dict:
    """Socket Mode unless `http_base_url` (the public URL of `response web`) is given. With
    `sign_in` (by default: when SLACK_CLIENT_ID is set), Sign in with Slack's redirect URL and
    user scopes."""
    request_url = f"{http_base_url.rstrip('/')}/slack/events" if http_base_url else None
    command = {
        "command": settings.RESPONSE_SLASH_COMMAND,
        "description": "Declare an incident, or run an incident command",
        "usage_hint": "[title] | help | list | lead @someone | severity critical | update …",
        "should_escape": False,
    }
    if request_url:
        command["url"] = request_url
    events: dict[str, Any] = {"bot_events": sorted(set(BOT_EVENTS) | set(plugin_events()))}
    interactivity: dict = {"is_enabled": True}
    if request_url:
        events["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "display_information": {
            "name": name,
            "description": "Declare, coordinate and record incidents without leaving Slack.",
            "background_color": "#4a154b",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": False,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
            "shortcuts": [
                {
                    "name": "Declare incident",
                    "type": "global",
                    "callback_id": ids.DECLARE_SHORTCUT,
                    "description": "Open the form to declare an incident",
                },
                {
                    "name": "Declare incident",
                    "type": "message",
                    "callback_id": ids.DECLARE_FROM_MESSAGE_SHORTCUT,
                    "description": "Declare an incident from this message (an alert, say)",
                },
                {
                    "name": "Add to timeline",
                    "type": "message",
                    "callback_id": ids.ADD_TO_TIMELINE_SHORTCUT,
                    "description": "Add this message to the incident's timeline",
                },
            ],
        },
        "oauth_config": oauth_config(
            sign_in=bool(settings.SLACK_CLIENT_ID) if sign_in is None else sign_in
        ),
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }
