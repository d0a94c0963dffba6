"""How long each step of an incident took, from when its impact started: derived from the key
times (KEY_TIMES), never stored, so a corrected time corrects every figure shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from response.core.models import Incident


@dataclass(frozen=True)
class KeyDuration:
    name: str  # "time_to_mitigate": the API's field
    label: str  # "Time to mitigate": what people read
    value: timedelta | None  # None while the step has not happened (or nobody knows when)


# Each figure, and the key time it runs to from the start of the impact.
KEY_DURATIONS: tuple[tuple[str, str, str], ...] = (
    ("time_to_detect", "Time to detect", "detected_at"),
    ("time_to_acknowledge", "Time to acknowledge", "acknowledged_at"),
    ("time_to_mitigate", "Time to mitigate", "mitigated_at"),
    ("time_to_resolve", "Time to resolve", "resolved_at"),
)


def time_from_start(incident: Incident, at: datetime | None) -> timedelta | None:
    return max(at - incident.started_at, timedelta(0)) if at else None


def key_durations(incident: Incident) -> list[KeyDuration]:
    """Time to detect, acknowledge, mitigate and resolve, each from when the impact started."""
    return [
        KeyDuration(
            name,
            label,
            time_from_start(
                incident,
                incident.end_time() if field == "resolved_at" else getattr(incident, field),
            ),
        )
        for name, label, field in KEY_DURATIONS
    ]
