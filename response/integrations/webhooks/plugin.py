"""Loaded with the plugins when RESPONSE_WEBHOOKS is on: every published change of an incident
becomes a delivery to each endpoint that wants it (response.integrations.webhooks.receivers)."""

from __future__ import annotations

from response.core.events import incident_changed
from response.integrations.webhooks.receivers import queue_deliveries

DISPATCH_UID = "response.integrations.webhooks"


def switch_on() -> None:
    incident_changed.connect(queue_deliveries, dispatch_uid=DISPATCH_UID)


def switch_off() -> None:
    """For tests: the plugin's receiver stops listening."""
    incident_changed.disconnect(dispatch_uid=DISPATCH_UID)


switch_on()
