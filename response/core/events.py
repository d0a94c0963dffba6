"""Announcements of committed domain changes, for adapters (Slack, notifications, integrations).

Verbs call `announce()` inside their transaction; the signal is sent only after the commit, so a
receiver never sees a change that was rolled back, and may enqueue work that reads the new state.
Receivers must be cheap and must not call remote services themselves: they enqueue tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal

# Sent with `event=IncidentChanged(...)` after the transaction that made the change commits.
incident_changed = Signal()


@dataclass(frozen=True)
class IncidentChanged:
    incident_id: int
    # declared, updated, lead, severity, status, resolved, reopened, status_update,
    # action_added, action_updated, timeline_added, timeline_edited, timeline_removed
    kind: str
    fields: tuple[str, ...] = ()
    actor_id: int | None = None  # ExternalUser id, when a chat user did it
    object_id: int | None = None  # the Action or TimelineEvent concerned
    extra: dict = field(default_factory=dict)


def announce(event: IncidentChanged) -> None:
    transaction.on_commit(lambda: incident_changed.send(sender=IncidentChanged, event=event))
