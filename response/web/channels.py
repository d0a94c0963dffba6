"""The incident's chat channel, when an adapter (Slack) records one.

The core knows nothing of channels: the Slack adapter keeps them in its own model, linked to the
incident one-to-one (`CommsChannel.incident`). The web UI looks that relation up by shape, not by
import, so it works (and shows no channel) before or without the Slack app.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from django.db.models import OneToOneRel

from response.core.models import Incident


@dataclass(frozen=True)
class Channel:
    name: str
    url: str


@cache
def channel_relation() -> str | None:
    """The accessor name of the reverse one-to-one relation to a model with a `channel_id`."""
    for rel in Incident._meta.related_objects:
        if isinstance(rel, OneToOneRel):
            fields = {f.name for f in rel.related_model._meta.get_fields()}
            if "channel_id" in fields:
                return rel.get_accessor_name()
    return None


def with_channel(queryset):
    relation = channel_relation()
    return queryset.select_related(relation) if relation else queryset


def channel_of(incident: Incident) -> Channel | None:
    relation = channel_relation()
    record = getattr(incident, relation, None) if relation else None
    if record is None or not getattr(record, "channel_id", ""):
        return None
    name = getattr(record, "channel_name", "") or getattr(record, "name", "") or record.channel_id
    url = getattr(record, "url", "") or (
        f"https://slack.com/app_redirect?channel={quote(record.channel_id)}"
    )
    return Channel(name=name.lstrip("#"), url=url)
