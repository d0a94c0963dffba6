"""Statuspage's words for how things stand, and ours mapped onto them (pure: no Django)."""

from __future__ import annotations

from enum import StrEnum


class PublicStatus(StrEnum):
    """A Statuspage incident's status (its realtime incidents; scheduled ones are not ours)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.title()


class ComponentState(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Ours (response.core.models.Status) to theirs. A report-only incident was over when declared.
_FROM_OURS = {
    "investigating": PublicStatus.INVESTIGATING,
    "identified": PublicStatus.IDENTIFIED,
    "monitoring": PublicStatus.MONITORING,
    "resolved": PublicStatus.RESOLVED,
    "reported": PublicStatus.RESOLVED,
}


def public_status_for(status: str) -> PublicStatus:
    """The public status that says what our incident's status says."""
    return _FROM_OURS.get(status, PublicStatus.INVESTIGATING)


PUBLIC_STATUS_CHOICES = [(status.value, status.label) for status in PublicStatus]
COMPONENT_STATE_CHOICES = [(state.value, state.label) for state in ComponentState]
