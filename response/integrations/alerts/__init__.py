"""Alert sources (docs/integrations.md): Alertmanager, Grafana and generic JSON webhooks open
triage incidents, posted to a triage channel to be accepted, declined or merged."""

from __future__ import annotations

from django.conf import settings


def configured() -> bool:
    """Whether the settings switch this integration on (then its `plugin` module is loaded):
    any one source's token does."""
    return bool(
        settings.ALERTS_ALERTMANAGER_TOKEN
        or settings.ALERTS_GRAFANA_TOKEN
        or settings.ALERTS_GENERIC_TOKEN
    )
