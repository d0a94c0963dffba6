"""From a change to its deliveries: the receiver of `incident_changed` (it runs inside the
change's transaction and only writes rows: a delivery per endpoint that wants the event, and
the job that delivers it, committed with the change or not at all)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from response.core.events import Change, IncidentChanged
from response.core.models import Action, ExternalUser, Incident, TimelineEvent
from response.integrations.webhooks import events, payloads
from response.integrations.webhooks.delivery import queue_delivery
from response.integrations.webhooks.models import Delivery, Endpoint
from response.integrations.webhooks.subscribers import Subscriber, subscribers


def queue_deliveries(sender: object, *, event: IncidentChanged, **_: Any) -> None:
    event_type = events.event_type_of(event.kind)
    if event_type is None:
        return
    incident = event.incident
    if incident is None:
        incident = Incident.objects.select_related("severity", "lead").get(pk=event.incident_id)
    # Free when nobody wants it: the remembered list of endpoints costs no query.
    if not any(s.wants(event_type, private=incident.is_private) for s in subscribers()):
        return
    # The list may be seconds old (the admin runs in another process): ask the database which
    # of them still exist and are active, so a delivery never names an endpoint just removed.
    wanting = [
        endpoint
        for endpoint in Endpoint.objects.filter(is_active=True).order_by("pk")
        if Subscriber.of(endpoint).wants(event_type, private=incident.is_private)
    ]
    if not wanting:
        return
    payload = payloads.envelope(event_type, at=timezone.now(), data=_data(event, incident))
    deliveries = Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event_type=event_type, incident=incident, payload=payload)
        for endpoint in wanting
    )
    for delivery in deliveries:
        queue_delivery(delivery)


def _data(event: IncidentChanged, incident: Incident) -> dict[str, Any]:
    actor = ExternalUser.objects.filter(pk=event.actor_id).first() if event.actor_id else None
    data: dict[str, Any] = {
        "incident": payloads.render_incident(incident, now=timezone.now()),
        "changed_fields": events.published_fields(event.fields),
        "actor": payloads.render_person(actor),
        # Where a change made outside the chat was asked for ("web", "api", "admin"), and by whom.
        "origin": event.origin.value if event.origin else None,
        "actor_name": event.actor_name or (actor.name if actor else None),
    }
    if event.kind in (Change.ACTION_ADDED, Change.ACTION_UPDATED) and event.object_id:
        action = Action.objects.select_related("owner", "created_by").get(pk=event.object_id)
        data["action"] = payloads.render_action(action)
    if event.kind == Change.STATUS_UPDATE and event.object_id:
        entry = TimelineEvent.objects.select_related("author", "subject").get(pk=event.object_id)
        data["status_update"] = payloads.render_timeline_event(entry)
    return data
