"""What the incident page and the write-up say about time: key moments and the gaps between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from response.core.models import Incident


@dataclass(frozen=True)
class Milestone:
    label: str
    at: datetime | None
    since_previous: timedelta | None  # from the previous milestone that happened
    since_start: timedelta | None


def key_times(incident: Incident) -> list[Milestone]:
    moments = [
        ("Started", incident.started_at),
        ("Reported", incident.reported_at),
        ("Identified", incident.identified_at),
        ("Mitigated", incident.monitoring_at),
        ("Resolved", incident.end_time()),
    ]
    milestones: list[Milestone] = []
    previous: datetime | None = None
    for label, at in moments:
        if at is None:
            milestones.append(Milestone(label, None, None, None))
            continue
        since_previous = max(at - previous, timedelta(0)) if previous else None
        since_start = max(at - incident.started_at, timedelta(0)) if previous else None
        milestones.append(Milestone(label, at, since_previous, since_start))
        previous = at
    return milestones


def time_to(incident: Incident, field: str) -> timedelta | None:
    at = incident.end_time() if field == "resolved_at" else getattr(incident, field)
    return max(at - incident.started_at, timedelta(0)) if at else None


def durations(incident: Incident) -> list[tuple[str, timedelta | None]]:
    """The figures a post-incident review asks for, from the start of the problem."""
    return [
        ("Time to report", time_to(incident, "reported_at")),
        ("Time to identify", time_to(incident, "identified_at")),
        ("Time to mitigate", time_to(incident, "monitoring_at")),
        ("Time to resolve", time_to(incident, "resolved_at")),
    ]
