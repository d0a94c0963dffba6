"""What the channel is told about its own life: the call link, archiving and unarchiving."""

from __future__ import annotations

from response.slack.blocks.text import escape


def call_link(url: str) -> str:
    """A link Slack shows as "Join the call" (the URL was checked: http(s), no spaces or `|`)."""
    return f"<{escape(url)}|Join the call>"


def render_call_posted(url: str) -> str:
    return f"📞 The call for this incident: {call_link(url)} (pinned, and bookmarked above)."


def render_archive_notice(incident_id: int, *, url: str) -> str:
    return (
        f"🗄️ Incident #{incident_id} is resolved, so this channel is archived now. "
        f"The write-up lives on the <{url}|incident page>; reopening the incident brings the "
        "channel back."
    )


def render_unarchived(incident_id: int) -> str:
    return f"📂 Incident #{incident_id} was reopened, so its channel is back from the archive."
