"""Where an incident lives outside Response's database: its chat channel and headline post.

The API does not import the chat adapter (adapters depend on the core, not on each other). An
adapter may register a provider at start-up:

    from response.api.links import register_link_provider
    register_link_provider("slack", slack_links_for_incident)

A provider takes an incident and returns a dict with any of channel_id, channel_name, channel_url
and headline_post_url (or None). Used by the detail endpoint only, so it may query.

Until one is registered, the Slack adapter's tables are read by model name (no import of its code),
when that app is installed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

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


def slack_tables_links(incident: Incident) -> dict[str, str | None] | None:
    """Channel and headline post from the Slack adapter's CommsChannel and HeadlinePost rows."""
    if not apps.is_installed("response.slack"):
        return None
    channel = apps.get_model("slack", "CommsChannel").objects.filter(incident=incident).first()
    headline = apps.get_model("slack", "HeadlinePost").objects.filter(incident=incident).first()
    if channel is None and headline is None:
        return None
    auth = apps.get_model("slack", "SlackCache").objects.filter(key="auth").first()
    base = ((auth.value if auth else None) or {}).get("url") or "https://slack.com/"
    base = base.rstrip("/")
    links: dict[str, str | None] = {}
    if channel is not None:
        links["channel_id"] = channel.channel_id
        links["channel_name"] = channel.name
        links["channel_url"] = f"{base}/archives/{channel.channel_id}"
    if headline is not None:
        ts = headline.message_ts.replace(".", "")
        links["headline_post_url"] = f"{base}/archives/{headline.channel_id}/p{ts}"
    return links


def links_for(incident: Incident) -> dict[str, str | None]:
    links: dict[str, str | None] = dict.fromkeys(LINK_FIELDS)
    for provider in list(_providers.values()) or [slack_tables_links]:
        for key, value in (provider(incident) or {}).items():
            if key in links and value and links[key] is None:
                links[key] = value
    return links
