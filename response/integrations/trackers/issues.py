"""What an exported follow-up action says in a tracker, whichever it is: pure, no ORM, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SUMMARY_LIMIT = 250  # Jira refuses a summary of 255 characters or more; GitHub allows 256


@dataclass(frozen=True)
class ActionData:
    """A follow-up action as the tracker is told about it (read from the database by the job)."""

    id: int
    text: str
    incident_id: int
    incident_title: str  # empty for a private incident: its title stays here
    incident_url: str
    owner: str = ""
    due_date: date | None = None
    priority: str = ""


@dataclass(frozen=True)
class Issue:
    """An issue as we record it on the action: the key people read and its address."""

    key: str  # "OPS-12" or "owner/repo#7"
    url: str


def marker(action_id: int) -> str:
    """Written on the issue (a Jira label, a line of the GitHub body) so that a retried export
    finds the issue it created before its answer was lost, instead of creating another."""
    return f"response-action-{action_id}"


def summary(text: str) -> str:
    """The issue's title: the action's first line, short (trackers want one line)."""
    first_line = text.strip().splitlines()[0] if text.strip() else "Follow-up action"
    return first_line if len(first_line) <= SUMMARY_LIMIT else first_line[: SUMMARY_LIMIT - 1] + "…"


def origin(action: ActionData) -> str:
    """Where it came from, in words."""
    if action.incident_title:
        return f"Follow-up action of incident #{action.incident_id}: {action.incident_title}"
    return f"Follow-up action of incident #{action.incident_id}"


def details(action: ActionData) -> list[str]:
    """The lines after the text: owner, due date, priority (only those set)."""
    lines = []
    if action.owner:
        lines.append(f"Owner: {action.owner}")
    if action.due_date:
        lines.append(f"Due: {action.due_date.isoformat()}")
    if action.priority:
        lines.append(f"Priority: {action.priority}")
    return lines
