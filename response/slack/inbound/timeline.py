"""Slack messages as timeline entries (pins, the 📌 reaction, the "Add to timeline" shortcut)."""

from __future__ import annotations

from datetime import UTC, datetime

from response.slack.directory import message_url
from response.slack.inbound.context import from_slack
from response.slack.people import slack_user_or_none


def source_of(channel_id: str, ts: str) -> str:
    return f"slack:{channel_id}:{ts}"


def ts_to_datetime(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), tz=UTC)


def permalink(channel_id: str, ts: str, message: dict) -> str:
    return message.get("permalink") or message_url(channel_id, ts)


def message_text(message: dict) -> str:
    """The message as people read it (Slack's `&amp;`, `<@U…>` and `<url|label>` made plain)."""
    text = from_slack((message.get("text") or "").strip())
    files = [f.get("name") or f.get("title") or "file" for f in message.get("files") or []]
    if files:
        text = (text + "\n" if text else "") + "📎 " + ", ".join(files)
    return text or "(no text)"


def message_entry(channel_id: str, message: dict) -> dict:
    """Keyword arguments for add_timeline_event from a Slack message."""
    ts = message["ts"]
    return {
        "text": message_text(message),
        "timestamp": ts_to_datetime(ts),
        "author": slack_user_or_none(message.get("user")),
        "source": source_of(channel_id, ts),
        "url": permalink(channel_id, ts, message),
        "metadata": {"files": [f.get("name") for f in message.get("files") or []]},
    }
