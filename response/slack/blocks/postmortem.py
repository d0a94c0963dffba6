"""The post-mortem's Slack messages, as pure functions of plain values (no ORM access)."""

from __future__ import annotations

from response.slack.blocks.controls import section
from response.slack.blocks.text import escape, mention

Message = tuple[str, list[dict]]  # (fallback text, blocks)


def postmortem_url(incident_id: int, *, site_url: str) -> str:
    """The write-up page, where the post-mortem is edited."""
    return f"{site_url.rstrip('/')}/incidents/{incident_id}/write-up/"


def render_postmortem_status(
    incident_id: int, *, url: str, state: str | None, owner_id: str | None
) -> str:
    """The answer to `@Response postmortem`: where it is, who owns it, how far it is."""
    if state is None:
        return (
            f"🗒️ Nobody has started the post-mortem of incident #{incident_id} yet: "
            f"<{url}|start it on the web>, pre-filled from what the incident knows."
        )
    owner = mention(owner_id) if owner_id else "nobody yet (`postmortem owner @person`)"
    return (
        f"🗒️ <{url}|Post-mortem of incident #{incident_id}>: *{escape(state.lower())}*, "
        f"owned by {owner}."
    )


def render_postmortem_owner(
    incident_id: int, *, title: str, url: str, by_name: str, state: str
) -> Message:
    """To a post-mortem's new owner."""
    by = f" {escape(by_name)} asked you:" if by_name else ""
    text = (
        f"🗒️{by} you now own the post-mortem of incident #{incident_id} ({escape(title)}), "
        f"*{escape(state.lower())}*. <{url}|Write it up>; I will remind you until it is done."
    )
    return text, [section(text)]
