"""Announcements of domain changes, for adapters (Slack, notifications, integrations).

Verbs call `announce()` inside their transaction, and receivers run there and then: what they
write (jobs for the work engine: a Slack message, a reminder) commits with the change or not at
all, so a change is never without its consequences, even if the process dies just after the
commit. Receivers must be cheap and must only write rows: no remote call, no waiting. The work
they queue starts after the commit (the engine is woken then).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Sent with `event=IncidentChanged(...)` inside the transaction that makes the change.
incident_changed = Signal()


class Change(StrEnum):
    """What happened to an incident."""

    DECLARED = "declared"  # also when a triage incident is accepted: it is declared then
    TRIAGED = "triaged"  # an alert opened a triage incident (no channel, no headline yet)
    DECLINED = "declined"  # a triage incident declined (merged: MERGED), closed
    MERGED = "merged"  # a triage incident merged into another (`extra["into"]`), closed
    UPDATED = "updated"  # title, summary, impact, start time, privacy
    MADE_PRIVATE = "made_private"  # besides UPDATED: a public incident became private
    LEAD = "lead"
    ROLE = "role"  # a role other than the lead: extra = {"role": slug}, object_id = the holder
    # The services it affects (response.core.models.catalog): extra = {"added": [service ids],
    # "removed": [service ids]}
    SERVICES = "services"
    SEVERITY = "severity"
    STATUS = "status"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    STATUS_UPDATE = "status_update"
    ACTION_ADDED = "action_added"
    ACTION_UPDATED = "action_updated"
    # A follow-up action to export to an issue tracker (`extra["tracker"]`): the integration
    # queues the export; then it is linked to the issue, or the tracker refused it.
    ACTION_EXPORT_REQUESTED = "action_export_requested"
    ACTION_EXPORTED = "action_exported"
    ACTION_EXPORT_FAILED = "action_export_failed"
    TIMELINE_ADDED = "timeline_added"
    TIMELINE_EDITED = "timeline_edited"
    TIMELINE_REMOVED = "timeline_removed"
    # The post-mortem was started, or its owner or state changed (`extra["what"]`).
    POSTMORTEM = "postmortem"


class Origin(StrEnum):
    """Where a change was asked for, when it was not in the chat (which shows it by itself)."""

    WEB = "web"
    API = "api"
    ADMIN = "admin"

    @property
    def phrase(self) -> str:
        """How a sentence says it: "Status set to Identified by Dana on the web"."""
        return {"web": "on the web", "api": "through the API", "admin": "in the admin"}[self]


# Set by a boundary (the web UI's and the API's requests) for the changes it makes.
CHANGE_ORIGIN: ContextVar[Origin | None] = ContextVar("change_origin", default=None)


@contextmanager
def changes_from(origin: Origin) -> Iterator[None]:
    token = CHANGE_ORIGIN.set(origin)
    try:
        yield
    finally:
        CHANGE_ORIGIN.reset(token)


@dataclass(frozen=True)
class IncidentChanged:
    incident_id: int
    kind: Change
    fields: tuple[str, ...] = ()
    actor_id: int | None = None  # ExternalUser id, when a chat user did it
    object_id: int | None = None  # the Action or TimelineEvent concerned
    extra: dict[str, Any] = field(default_factory=dict)
    # Where it was asked for and by whom (their chat display name when they have one), when
    # that was outside the chat: the chat says "… by Dana on the web".
    origin: Origin | None = None
    actor_name: str = ""
    # The incident as the verb just wrote it (its severity and lead loaded): receivers run in the
    # same transaction, so they may use it instead of reading it again.
    incident: Any = field(default=None, compare=False, repr=False)


def announce(event: IncidentChanged) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("announce() belongs inside the transaction of the change it announces")
    incident_changed.send(sender=IncidentChanged, event=event)
