"""Outgoing webhooks (docs/integrations.md)."""

from __future__ import annotations


def configured() -> bool:
    """Whether the settings switch this integration on (then its `plugin` module is loaded)."""
    return False
