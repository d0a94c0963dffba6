"""Small text helpers shared by the renderers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Slack's limits, with room for what we add around the text.
SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
PLAIN_TEXT_LIMIT = 75  # button labels, option text


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str | None, *, nobody: str = "Unassigned") -> str:
    return f"<@{user_id}>" if user_id else nobody


def human_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes and not days:
        parts.append(f"{minutes}m")
    if not parts:
        parts.append(f"{seconds}s")
    return " ".join(parts)


def slack_date(unix_time: int) -> str:
    """A time every viewer sees in their own time zone (UTC where Slack cannot localise it)."""
    fallback = datetime.fromtimestamp(unix_time, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{unix_time}^{{date_short_pretty}} at {{time}}|{fallback}>"
