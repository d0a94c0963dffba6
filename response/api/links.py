"""Where an incident lives outside Response's database: its chat channel and headline post.

The API does not import the chat adapter (adapters depend on the core, not on each other); the
adapter registers a provider at start-up instead:

    from response.api.links import register_link_provider
    register_link_provider("slack", slack_links_for_incident)

A provider takes an incident and returns a dict with any of channel_id, channel_name, channel_url
and headline_post_url (or None). Used by the detail endpoint only, so it may query.
"""

from __future__ import annotations

from collections.abc import Callable

from response.core.models import Incident

LINK_FIELDS = ("channel_id", "channel_name", "channel_url", "headline_post_url")
LinkProvider = Callable[[Incident], dict[str, str | None] | None]

_providers: dict[str, LinkProvider] = {}


def register_link_provider(name: str, provider: LinkProvider) -> None:
    if name in _providers:
        raise ValueError(f"A link provider called {name!r} is already registered.")
    _providers[name] = provider


def unregister_link_provider(name: str) -> None:
    _providers.pop(name, None)


def links_for(incident: Incident) -> dict[str, str | None]:
    links: dict[str, str | None] = dict.fromkeys(LINK_FIELDS)
    for provider in _providers.values():
        for key, value in (provider(incident) or {}).items():
            if key in links and value and links[key] is None:
                links[key] = value
    return links
