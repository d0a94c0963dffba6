"""What every Web API handler gets: the workspace, the parsed arguments, who is calling."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import SlackError
from ..signin import SignIn
from ..state import Channel, State


class Args:
    """Arguments from a form-encoded or JSON body (or the query string), with Slack's coercions."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        return (
            value
            if isinstance(value, str)
            else json.dumps(value)
            if isinstance(value, dict | list)
            else str(value)
        )

    def required(self, name: str, error: str | None = None) -> str:
        value = self.string(name)
        if value is None:
            raise SlackError(error or "invalid_arguments", f"missing required field: {name}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "yes")

    def integer(self, name: str, default: int) -> int:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SlackError("invalid_arguments", f"{name} must be an integer") from None

    def strings(self, name: str) -> list[str]:
        value = self.raw.get(name)
        if value in (None, ""):
            return []
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v.strip() for v in str(value).split(",") if v.strip()]

    def json(self, name: str, error: str = "invalid_arguments") -> Any:
        value = self.raw.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise SlackError(error, f"{name} is not valid JSON") from None
        return value


@dataclass
class Context:
    state: State
    args: Args
    token: str | None
    # How apps.connections.open learns the Socket Mode URL (a new ticket on each call).
    socket_url: Callable[[], str] = field(default=lambda: "")
    # Deliver events caused by the bot's own calls (its messages, pins, renames...)?
    self_events: bool = False
    # Sign in with Slack: codes and the user tokens they were exchanged for.
    signin: SignIn = field(default_factory=SignIn)
    # Events this call caused, delivered after it answered (see ``emit``).
    events: list[dict[str, Any]] = field(default_factory=list)

    def emit(self, event: dict[str, Any], *, own: bool = True) -> None:
        """Queue an event this call caused; ``own`` events only when ``self_events`` is on."""
        if self.self_events or not own:
            self.events.append(event)

    @property
    def bot(self) -> str:
        return self.state.bot_user_id

    def channel_for_posting(self, ref: str) -> Channel:
        """A channel the bot can post to: by id or name, or a user id meaning the DM with them."""
        state = self.state
        if ref.startswith(("U", "W")) and ref in state.users:
            return state.direct_channel([self.bot, ref])
        # Posting where the bot is not a member says not_in_channel, even for a private channel
        # (other methods answer channel_not_found for private channels the bot cannot see).
        channel = state.channel(ref)
        if channel.is_private and self.bot not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    def member_channel(self, ref: str) -> Channel:
        """A channel the bot must be a member of (setting a topic, pinning, inviting...)."""
        channel = self.state.visible_channel(ref)
        if self.bot not in channel.members:
            raise SlackError("not_in_channel")
        return channel


def paginate[T](
    items: Sequence[T], args: Args, *, default_limit: int = 100
) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` and the ``response_metadata`` carrying ``next_cursor``."""
    # limit=0 (or none) means the method's default, as in Slack.
    limit = max(1, min(args.integer("limit", 0) or default_limit, 1000))
    cursor = args.string("cursor")
    start = 0
    if cursor:
        try:
            kind, offset = base64.b64decode(cursor).decode().split(":")
            start = int(offset)
            assert kind == "next"
        except (ValueError, AssertionError, UnicodeDecodeError):
            raise SlackError("invalid_cursor") from None
    page = list(items[start : start + limit])
    end = start + limit
    next_cursor = base64.b64encode(f"next:{end}".encode()).decode() if end < len(items) else ""
    return page, {"next_cursor": next_cursor}


Handler = Callable[[Context], dict[str, Any]]
