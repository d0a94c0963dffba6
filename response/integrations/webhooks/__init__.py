"""Outgoing webhooks (docs/integrations.md): incident events signed as Standard Webhooks and
POSTed to the endpoints configured in the admin, each delivery a job of the work engine."""

from __future__ import annotations

from django.conf import settings


def configured() -> bool:
    """Whether the settings switch this integration on (then its `plugin` module is loaded)."""
    return bool(getattr(settings, "RESPONSE_WEBHOOKS", False))
