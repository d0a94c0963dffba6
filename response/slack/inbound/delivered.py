"""A delivered Events API event, as a job: its routes run on the worker, each on its own.

The event was committed as this job before Slack got its answer (response.slack.inbox). The
job is transactional: each route runs in a savepoint of the transaction that marks the event
done, so after a crash at any point an event's effects exist exactly once. A route that fails
is retried with backoff, without running again the routes that succeeded; an event that keeps
failing is parked as dead after a few tries (`response jobs`), and its channel's later events
go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from response.engine.kinds import Failed, Incomplete, JobContext, Priority, job_kind
from response.slack.inbound.validation import event_problem
from response.slack.routes import event_routes
from response.slack.selectors import incident_for_channel

logger = logging.getLogger(__name__)


def event_channel(event: dict) -> str | None:
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    return channel.get("id") if isinstance(channel, dict) else channel


@job_kind("slack.event", priority=Priority.INBOUND, transactional=True)
@dataclass(frozen=True)
class SlackEvent:
    body: dict  # the event_callback envelope, as Slack sent it

    def perform(self, job: JobContext) -> dict:
        event = self.body.get("event") or {}
        if problem := event_problem(event):
            raise Failed(f"not an event Slack sends: {problem}")
        channel = event_channel(event)
        # The events of a channel come in batches, each about the same incident: read it once.
        if ("incident", channel) not in job.batch:
            job.batch["incident", channel] = (
                incident_for_channel(channel, for_display=False) if channel else None
            )
        incident = job.batch["incident", channel]
        done = list(job.progress)
        routes = [route for route in event_routes(event) if route.name not in done]
        if len(routes) == 1:
            # Nothing else to keep if it fails: the job's own savepoint is the route's.
            routes[0].handler(incident, event)
            return {}
        failure: BaseException | None = None
        for route in routes:
            try:
                with transaction.atomic():
                    route.handler(incident, event)
            except Exception as error:
                logger.exception(
                    "%s failed on a %s event (incident %s)",
                    route.name,
                    event.get("type"),
                    incident.pk if incident else None,
                )
                failure = failure or error
                continue
            done.append(route.name)
        if failure is not None:
            raise Incomplete(progress=done, cause=failure)
        return {}
