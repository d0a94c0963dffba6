"""Small text helpers shared by the renderers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# Slack's limits, with room for what we add around the text.
SECTION_TEXT_LIMIT = 3000
HEADER_LIMIT = 150
PLAIN_TEXT_LIMIT = 75  # button labels, option text


# The start of an entity escape() makes, cut off by a truncation ("&am", "&l").
_CUT_ENTITY = re.compile(r"&(?:a|am|amp|l|lt|g|gt)?$")
# A Slack user id: the only thing mention() puts between < and >.
_USER_ID = re.compile(r"[UW][A-Z0-9]+")


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, "…" ending what was cut; an entity of escape() is never cut
    in two (a stray "&am" would show as such)."""
    if len(text) <= limit:
        return text
    return _CUT_ENTITY.sub("", text[: limit - 1]) + "…"


def escape(text: str) -> str:
    """What people typed, made safe for any text Slack parses: mrkdwn text objects, a message's
    `text` (its notification fallback), a channel topic. Slack treats `&`, `<` and `>` as control
    characters there, so typed text could otherwise say `<!channel>`, mention someone, or
    disguise a link as `<https://evil.example|click>`. The one way user text reaches Slack's
    parser; `plain_text` objects and input values are not parsed and take the text as it is."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str | None, *, nobody: str = "Unassigned") -> str:
    """A mention of a person we know by their Slack id (from Slack, never typed text); anything
    that is not a user id is shown escaped, as text."""
    if not user_id:
        return nobody
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else escape(user_id)


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
