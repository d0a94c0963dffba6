"""What the incident page and the write-up say about time: key moments and the gaps between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from response.core.durations import key_durations
from response.core.models import Incident
from response.core.models.incident import KEY_TIMES


@dataclass(frozen=True)
class Milestone:
    label: str
    at: datetime | None
    since_previous: timedelta | None  # from the previous milestone that happened
    since_start: timedelta | None


def key_times(incident: Incident) -> list[Milestone]:
    """The key times (impact started, detected, reported, acknowledged, mitigated, resolved),
    each with the gap since the previous one known."""
    moments = [
        (label, incident.end_time() if name == "resolved_at" else getattr(incident, name))
        for name, label in KEY_TIMES
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


def durations(incident: Incident) -> list[tuple[str, timedelta | None]]:
    """The figures a post-incident review asks for, from the start of the impact."""
    return [(d.label, d.value) for d in key_durations(incident)]
