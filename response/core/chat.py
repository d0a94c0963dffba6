"""Where an incident lives in chat (its channel, its headline post), for the web UI and the API.

The core knows nothing of Slack. The chat adapter (response.slack) hands its directory to
`use_directory()` at start-up; the web UI and the API ask `places_of()` here, and never read
the adapter's tables. Without an adapter, incidents have no place in chat.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from response.core.models import Incident


@dataclass(frozen=True)
class ChatPlace:
    channel_id: str | None = None
    channel_name: str | None = None
    channel_url: str | None = None
    headline_url: str | None = None


class ChatDirectory(Protocol):
    def places(self, incident_ids: Collection[int]) -> dict[int, ChatPlace]:
        """Where these incidents live; incidents without a place are left out."""
        ...


_directory: ChatDirectory | None = None


def use_directory(directory: ChatDirectory | None) -> None:
    global _directory
    _directory = directory


def places_of(incidents: Iterable[Incident]) -> dict[int, ChatPlace]:
    """{incident id: its place}, for a page of incidents at once."""
    ids = [incident.pk for incident in incidents]
    if _directory is None or not ids:
        return {}
    return _directory.places(ids)


def place_of(incident: Incident) -> ChatPlace | None:
    return places_of([incident]).get(incident.pk)
