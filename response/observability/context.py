"""The ids of what is being handled right now, for log lines (response.observability.logs).

Context variables, so each request thread and each engine thread carries its own. Set where a
delivery is recorded (response.slack.middleware) and where a job runs (response.engine.runner).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

delivery_id: ContextVar[str | None] = ContextVar("delivery_id", default=None)
incident_id: ContextVar[int | None] = ContextVar("incident_id", default=None)
job_id: ContextVar[int | None] = ContextVar("job_id", default=None)

# Lanes that belong to one incident: "incident:12" (its Slack work), "reminder:12:40".
_INCIDENT_LANE = re.compile(r"(?:incident|reminder):(\d+)(?::|$)")


def incident_of_lane(lane: str) -> int | None:
    match = _INCIDENT_LANE.match(lane)
    return int(match.group(1)) if match else None


@contextmanager
def handling_job(*, job: int, lane: str, delivery: str | None = None) -> Iterator[None]:
    """While a job runs: its id, its incident (from its lane) and the delivery it came from."""
    tokens = (
        job_id.set(job),
        incident_id.set(incident_of_lane(lane)),
        delivery_id.set(delivery),
    )
    try:
        yield
    finally:
        job_id.reset(tokens[0])
        incident_id.reset(tokens[1])
        delivery_id.reset(tokens[2])


def about_incident(incident: int | None) -> None:
    """The job being run turned out to concern this incident (an event in its channel). Undone
    when the job ends (handling_job resets it)."""
    if job_id.get() is not None and incident is not None:
        incident_id.set(incident)


@contextmanager
def handling_delivery(delivery: str | None) -> Iterator[None]:
    """While a delivery from Slack is recorded and answered."""
    token = delivery_id.set(delivery)
    try:
        yield
    finally:
        delivery_id.reset(token)


def current() -> dict[str, str | int]:
    """The ids known here, by the names log lines carry them under."""
    known: dict[str, str | int | None] = {
        "delivery_id": delivery_id.get(),
        "incident_id": incident_id.get(),
        "job_id": job_id.get(),
    }
    return {name: value for name, value in known.items() if value is not None}
