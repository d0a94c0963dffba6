"""conversations.history and conversations.replies: time windows, pages and message metadata.

As in Slack, ``oldest`` and ``latest`` bound the messages (exclusive unless ``inclusive``), a page
is newest first, and ``next_cursor`` walks on from where the page ended. With ``latest`` (or
neither) the page holds the messages closest to ``latest`` and the cursor walks back in time; with
only ``oldest`` it holds those closest to ``oldest`` and the cursor walks forward, as Slack
documented for ``channels.history``. A message's ``metadata`` is returned only with
``include_all_metadata=true``.
"""

from __future__ import annotations

import base64
import binascii
import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import SlackError
from ..state import Channel
from .base import Args, Context, Handler, paginate

DEFAULT_LIMIT = 100
MAX_LIMIT = 999
_CURSOR_PREFIX = "next_ts:"


def _timestamp(value: str, error: str) -> Decimal:
    try:
        ts = Decimal(value)
    except InvalidOperation:
        raise SlackError(error) from None
    if not ts.is_finite() or ts < 0:
        raise SlackError(error)
    return ts


@dataclass(frozen=True)
class Window:
    """The ``oldest``/``latest``/``inclusive`` arguments: which messages a call may return."""

    oldest: Decimal | None
    latest: Decimal | None
    inclusive: bool

    @classmethod
    def from_args(cls, args: Args) -> Window:
        oldest, latest = args.string("oldest"), args.string("latest")
        return cls(
            oldest=_timestamp(oldest, "invalid_ts_oldest") if oldest else None,
            latest=_timestamp(latest, "invalid_ts_latest") if latest else None,
            inclusive=args.flag("inclusive"),
        )

    def contains(self, ts: str) -> bool:
        value = Decimal(ts)
        edge = self.inclusive
        after_oldest = self.oldest is None or value > self.oldest or (edge and value == self.oldest)
        before_latest = (
            self.latest is None or value < self.latest or (edge and value == self.latest)
        )
        return after_oldest and before_latest

    @property
    def from_oldest(self) -> bool:
        """Only ``oldest`` given: the page starts at the oldest end."""
        return self.oldest is not None and self.latest is None


def encode_cursor(ts: str) -> str:
    """Slack's history cursor: ``next_ts:`` and the ts of the first message of the next page."""
    return base64.b64encode(f"{_CURSOR_PREFIX}{ts.replace('.', '')}".encode()).decode()


def decode_cursor(cursor: str) -> Decimal:
    try:
        text = base64.b64decode(cursor, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise SlackError("invalid_cursor") from None
    digits = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not digits.isdigit() or len(digits) <= 6:
        raise SlackError("invalid_cursor")
    return Decimal(f"{digits[:-6]}.{digits[-6:]}")


def _readable(ctx: Context) -> Channel:
    channel = ctx.state.visible_channel(ctx.args.required("channel", "channel_not_found"))
    if channel.is_private and ctx.bot not in channel.members:
        raise SlackError("not_in_channel")
    return channel


def _as_returned(ctx: Context, channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
    """A message as the history methods return it: pinned_to added, metadata only if asked."""
    result = copy.deepcopy(message)
    if any(p["ts"] == message["ts"] for p in channel.pins):
        result["pinned_to"] = [channel.id]
    if not ctx.args.flag("include_all_metadata"):
        result.pop("metadata", None)
    return result


def _is_top_level(message: dict[str, Any]) -> bool:
    """In the channel's history: not a thread reply, unless also sent to the channel."""
    return message.get("thread_ts") in (None, message["ts"]) or (
        message.get("subtype") == "thread_broadcast"
    )


def _page(
    messages: list[dict[str, Any]], window: Window, args: Args
) -> tuple[list[dict[str, Any]], str]:
    """One page of ``messages`` (oldest first, all in the window), newest first, and the cursor
    to the next page ("" when this is the last)."""
    limit = max(1, min(args.integer("limit", 0) or DEFAULT_LIMIT, MAX_LIMIT))
    cursor = args.string("cursor")
    start = decode_cursor(cursor) if cursor else None
    if window.from_oldest:
        walk = [m for m in messages if start is None or Decimal(m["ts"]) >= start]
    else:
        walk = [m for m in reversed(messages) if start is None or Decimal(m["ts"]) <= start]
    page, rest = walk[:limit], walk[limit:]
    if window.from_oldest:
        page.reverse()
    return page, encode_cursor(rest[0]["ts"]) if rest else ""


def history(ctx: Context) -> dict[str, Any]:
    channel = _readable(ctx)
    window = Window.from_args(ctx.args)
    messages = [m for m in channel.messages if _is_top_level(m) and window.contains(m["ts"])]
    page, next_cursor = _page(messages, window, ctx.args)
    return {
        "messages": [_as_returned(ctx, channel, m) for m in page],
        "has_more": bool(next_cursor),
        "pin_count": len(channel.pins),
        "response_metadata": {"next_cursor": next_cursor},
    }


def replies(ctx: Context) -> dict[str, Any]:
    channel = _readable(ctx)
    ts = ctx.args.required("ts", "thread_not_found")
    window = Window.from_args(ctx.args)
    if channel.index_of(ts) is None:
        raise SlackError("thread_not_found")
    parent = ctx.state.message(channel, ts)
    thread_ts = parent.get("thread_ts") or ts
    thread = [
        m
        for m in channel.messages
        if (m["ts"] == thread_ts or m.get("thread_ts") == thread_ts) and window.contains(m["ts"])
    ]
    page, metadata = paginate(thread, ctx.args, default_limit=1000)
    return {
        "messages": [_as_returned(ctx, channel, m) for m in page],
        "has_more": bool(metadata["next_cursor"]),
        "response_metadata": metadata,
    }


METHODS: dict[str, Handler] = {
    "conversations.history": history,
    "conversations.replies": replies,
}
