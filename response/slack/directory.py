"""The Slack adapter's answer to the core's "where does this incident live in chat?"
(response.core.chat): its channel and its headline post, with links into Slack."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import quote

from django.db.models import Q

from response.core.chat import ChatPlace
from response.core.models import Incident
from response.slack.outbound.identity import identity


def workspace_url() -> str | None:
    """The workspace's own address (from `auth.test`), when known."""
    url = identity().get("url")
    return url.rstrip("/") if url else None


def channel_url(channel_id: str) -> str:
    base = workspace_url()
    if base:
        return f"{base}/archives/{channel_id}"
    return f"https://slack.com/app_redirect?channel={quote(channel_id)}"


def message_url(channel_id: str, ts: str) -> str:
    base = workspace_url() or "https://slack.com"
    return f"{base}/archives/{channel_id}/p{ts.replace('.', '')}"


class SlackDirectory:
    def places(self, incident_ids: Collection[int]) -> dict[int, ChatPlace]:
        rows = (
            Incident.objects.filter(pk__in=incident_ids)
            .filter(Q(comms_channel__isnull=False) | Q(headline_post__isnull=False))
            .values_list(
                "pk",
                "comms_channel__channel_id",
                "comms_channel__name",
                "headline_post__channel_id",
                "headline_post__message_ts",
            )
        )
        return {
            incident_id: ChatPlace(
                channel_id=channel_id,
                channel_name=name,
                channel_url=channel_url(channel_id) if channel_id else None,
                headline_url=message_url(post_channel, ts) if post_channel else None,
            )
            for incident_id, channel_id, name, post_channel, ts in rows
        }
