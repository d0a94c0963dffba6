"""The Slack work a change needs for the people in the channel and the channel's life: groups
invited by severity, the call link from the template, archiving some hours after resolution and
unarchiving on reopen. Called by response.slack.reactions inside the change's transaction: it
only writes jobs, and reads nothing when the features are switched off."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from response.core.events import Change, IncidentChanged
from response.core.models import Incident
from response.engine.models import Job
from response.engine.queue import enqueue
from response.slack.outbound.channel_life import (
    ArchiveWhenDue,
    PostCallLink,
    UnarchiveChannel,
    archive_key,
)
from response.slack.outbound.invites import invite_service_teams, invite_severity_groups
from response.slack.outbound.places import incident_lane
from response.slack.selectors import comms_channel_id


def on_channel_wanted(incident: Incident) -> None:
    """The incident's channel is being created (queued just before, in the incident's lane):
    bring in the severity's and the affected services' groups, and post the call link when a
    template is set."""
    invite_severity_groups(incident)
    invite_service_teams(
        incident.pk, incident.affected_services.values_list("service_id", flat=True)
    )
    if settings.RESPONSE_CALL_URL_TEMPLATE:
        post_call_link(incident.pk, settings.RESPONSE_CALL_URL_TEMPLATE.format(id=incident.pk))


def post_call_link(incident_id: int, url: str) -> None:
    enqueue(PostCallLink(incident_id=incident_id, url=url), lane=incident_lane(incident_id))


def follow_change(incident: Incident, event: IncidentChanged) -> None:
    """Queued before the change's own messages, so that a reopened channel is back from the
    archive before it is told so."""
    kind = event.kind
    if kind == Change.SEVERITY and settings.RESPONSE_AUTO_INVITE:
        if comms_channel_id(incident.pk) is not None:
            invite_severity_groups(incident)
    elif kind == Change.SERVICES and incident.is_open():
        # Also before the channel exists (declared with services): the invitation runs after
        # the channel's creation, queued first in the same lane, and skips when there is none.
        invite_service_teams(incident.pk, event.extra.get("added", []))
    elif kind == Change.RESOLVED and settings.RESPONSE_ARCHIVE_AFTER_HOURS > 0:
        if comms_channel_id(incident.pk) is not None:
            archive_later(incident.pk)
    elif kind == Change.REOPENED:
        cancel_archiving(incident.pk)
        if comms_channel_id(incident.pk) is not None:
            # Whether it was archived is known when this runs, after what is queued before it.
            enqueue(UnarchiveChannel(incident_id=incident.pk), lane=incident_lane(incident.pk))


def archive_later(incident_id: int) -> None:
    due = timezone.now() + timedelta(hours=settings.RESPONSE_ARCHIVE_AFTER_HOURS)
    enqueue(
        ArchiveWhenDue(incident_id=incident_id),
        lane=f"archive:{incident_id}",
        key=archive_key(incident_id),
        at=due,
        reschedule=True,  # resolved again: due that long after this resolution
    )


def cancel_archiving(incident_id: int) -> int:
    """The pending archiving, if any (one running now finds the incident open, and stops)."""
    return Job.objects.filter(
        key=archive_key(incident_id), state=Job.State.PENDING, claimed_by=""
    ).update(state=Job.State.CANCELLED, done_at=timezone.now(), key=None)
