"""The public event types and which domain change each stands for.

The announcements (`response.core.events.Change`) are the domain's own vocabulary and may grow;
the event types here are a published contract (docs/integrations.md) and change only by adding.
"""

from __future__ import annotations

from response.core.events import Change

DECLARED = "incident.declared"
UPDATED = "incident.updated"
STATUS_UPDATE = "incident.status_update"
RESOLVED = "incident.resolved"
REOPENED = "incident.reopened"
ACTION_CREATED = "action.created"
ACTION_UPDATED = "action.updated"
# Sent only by the admin's "Send a test event", to every endpoint it is asked for.
TEST = "webhook.test"

EVENT_TYPES: dict[str, str] = {
    DECLARED: "An incident was declared",
    UPDATED: "Its title, summary, impact, start, privacy, lead, severity, status or affected "
    "services changed",
    STATUS_UPDATE: "The responders posted a status update",
    RESOLVED: "An incident was resolved",
    REOPENED: "A resolved incident was reopened",
    ACTION_CREATED: "A follow-up action was added",
    ACTION_UPDATED: "A follow-up action was edited, done or undone",
}

_BY_CHANGE: dict[Change, str] = {
    Change.DECLARED: DECLARED,
    Change.UPDATED: UPDATED,
    Change.LEAD: UPDATED,
    Change.SEVERITY: UPDATED,
    Change.STATUS: UPDATED,
    Change.SERVICES: UPDATED,
    Change.STATUS_UPDATE: STATUS_UPDATE,
    Change.RESOLVED: RESOLVED,
    Change.REOPENED: REOPENED,
    Change.ACTION_ADDED: ACTION_CREATED,
    Change.ACTION_UPDATED: ACTION_UPDATED,
    # Not published: MADE_PRIVATE (it comes with an UPDATED, and a private incident is sent
    # only where private ones are allowed) and the timeline's entries (pinned chat messages
    # are the channel's conversation, not the incident's state).
}

# Bookkeeping columns every verb touches: not news for the receiver.
_UNPUBLISHED_FIELDS = {"updated_at", "last_update_at"}


def event_type_of(change: Change) -> str | None:
    """The public event type a domain change is published as, or None when it is not."""
    return _BY_CHANGE.get(change)


def published_fields(fields: tuple[str, ...]) -> list[str]:
    """The incident's fields a change touched, as the payload names them."""
    return [name for name in fields if name not in _UNPUBLISHED_FIELDS]
