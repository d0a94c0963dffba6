"""Small facts learned from Slack and kept: who the bot is, the incidents channel's id.

The bot's identity is read on every delivery (to tell its own messages apart), so it is kept in
memory once known; it only changes with the token.
"""

from __future__ import annotations

import re
import threading
import time

from django.conf import settings
from django.utils import timezone

from response.slack.models import SlackCache
from response.slack.outbound import client

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")

_identity: dict[str, dict] = {}  # by bot token
# Not (fully) known yet: what is stored, until when to answer with it instead of looking again.
_unknown_until: dict[str, tuple[float, dict]] = {}
UNKNOWN_SECONDS = 5.0
_lock = threading.Lock()


def cache_get(key: str) -> dict | None:
    entry = SlackCache.objects.filter(key=key).first()
    return entry.value if entry else None


def cache_set(key: str, value: dict) -> None:
    SlackCache.objects.update_or_create(
        key=key, defaults={"value": value, "updated_at": timezone.now()}
    )


def identity() -> dict:
    """{user_id, bot_id, team_id, team, url, user} of the bot, or {} until it is known (the
    `auth_test` job asks Slack, once)."""
    token = settings.SLACK_BOT_TOKEN
    known = _identity.get(token)
    if known:
        return known
    until, partial = _unknown_until.get(token, (0.0, {}))
    if time.monotonic() < until:
        return partial
    stored = cache_get("auth") or {}
    with _lock:
        if stored.get("user_id"):
            _identity[token] = stored
        else:
            _unknown_until[token] = (time.monotonic() + UNKNOWN_SECONDS, stored)
    return stored


def remember_identity(answer: dict) -> dict:
    found = {k: answer.get(k) for k in ("user_id", "bot_id", "team_id", "team", "url", "user")}
    cache_set("auth", found)
    with _lock:
        _identity[settings.SLACK_BOT_TOKEN] = found
        _unknown_until.pop(settings.SLACK_BOT_TOKEN, None)
    return found


def forget_identity() -> None:
    """Tests switch workspaces."""
    with _lock:
        _identity.clear()
        _unknown_until.clear()


def bot_user_id() -> str | None:
    return identity().get("user_id")


def incidents_channel_id(*, report_only: bool = False) -> str:
    """The id of RESPONSE_INCIDENT_CHANNEL (or RESPONSE_REPORT_CHANNEL for report-only
    incidents), a name or an id, found once and remembered; the channel is created if it does
    not exist, and the bot joins it. Talks to Slack: call it from a job's perform()."""
    configured = (
        settings.RESPONSE_REPORT_CHANNEL
        if report_only and settings.RESPONSE_REPORT_CHANNEL
        else settings.RESPONSE_INCIDENT_CHANNEL
    ).lstrip("#")
    if CHANNEL_ID.match(configured):
        return configured
    cache_key = f"channel-id:{configured}"
    if cached := cache_get(cache_key):
        return cached["id"]
    channel_id = find_channel_id(configured)
    if channel_id is None:
        channel_id = client.call("conversations.create", name=configured)["channel"]["id"]
    else:
        client.call("conversations.join", channel=channel_id)
    cache_set(cache_key, {"id": channel_id})
    return channel_id


def find_channel_id(name: str) -> str | None:
    cursor = None
    while True:
        page = client.call(
            "conversations.list",
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=200,
            cursor=cursor,
        )
        for channel in page.get("channels", []):
            if channel.get("name") == name:
                return channel["id"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
