"""How the schedule follows the incident: a receiver of the core's announcements (it runs in the
transaction of the change, so the schedule commits with it)."""

from __future__ import annotations

from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import Incident
from response.notifications import scheduler
from response.notifications.registry import Phase


def connect() -> None:
    incident_changed.connect(on_incident_changed, dispatch_uid="response.notifications")


def on_incident_changed(sender, event: IncidentChanged, **kwargs) -> None:
    kind = event.kind
    if kind in (Change.DECLARED, Change.REOPENED, Change.RESOLVED):
        incident = (
            Incident.objects.filter(pk=event.incident_id)
            .only("status", "reported_at", "updated_at")
            .first()
        )
        if incident is None:
            return
        if kind == Change.DECLARED and incident.is_open():
            scheduler.start_phase(
                incident.pk, Phase.OPEN, anchor=incident.reported_at, restart=False
            )
        elif kind == Change.REOPENED:
            scheduler.stop_phase(incident.pk, Phase.RESOLVED)
            scheduler.start_phase(
                incident.pk, Phase.OPEN, anchor=incident.updated_at, restart=False
            )
        elif kind == Change.RESOLVED:
            scheduler.stop_phase(incident.pk, Phase.OPEN)
            scheduler.start_phase(
                incident.pk, Phase.RESOLVED, anchor=incident.updated_at, restart=True
            )
    elif kind in (Change.ACTION_ADDED, Change.ACTION_UPDATED) and event.object_id:
        scheduler.schedule_action(event.object_id)
    scheduler.wake_soon(event.incident_id, kind)
