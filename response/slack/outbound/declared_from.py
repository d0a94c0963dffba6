"""The first message of a channel of an incident declared from a message: that message, quoted."""

from __future__ import annotations

from response.core.models import Incident, TimelineEvent
from response.slack.blocks.declare import SourceMessage, render_source_quote


def source_quote(incident: Incident) -> tuple[str, list[dict]] | None:
    """The first message of the incident's channel when it was declared from a message
    (response.slack.inbound.source.remember_source): that message, quoted, with its link."""
    entry = (
        TimelineEvent.objects.filter(incident=incident, metadata__declared_from=True)
        .select_related("author")
        .first()
    )
    if entry is None:
        return None
    source = SourceMessage(
        channel_id=str(entry.metadata.get("channel_id") or ""),
        ts=str(entry.metadata.get("ts") or ""),
        permalink=entry.url,
        text=entry.text,
        author_id=entry.author.external_id if entry.author else None,
    )
    return render_source_quote(source)
