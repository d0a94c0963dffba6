"""The JSON documents webhooks carry, rendered from the domain's models.

    {"type": "incident.updated", "timestamp": "2026-…Z", "data": {"incident": {…}, …}}

The incident, its actions, its timeline entries and people are shaped as the REST API shows
them (`response/api/schemas.py`: the same field names and values; tested against the API), but
rendered here from the core models, so that the plugin does not depend on the API. People's
email addresses are left out (the API shows them to staff only); the incident has its `url`.
These functions read the relations they show (an incident's severity, lead and reporter, an
action's owner): the caller loads them with `select_related` when it can.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from response.core.durations import key_durations
from response.core.models import Action, ExternalUser, Incident, Severity, TimelineEvent
from response.core.selectors import field_values_of, role_holders

_ENCODER = DjangoJSONEncoder()


def envelope(event_type: str, *, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks payload structure: type, timestamp, data."""
    return {"type": event_type, "timestamp": _time(at), "data": data}


def render_incident(incident: Incident, *, now: datetime) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "title": incident.title,
        "summary": incident.summary,
        "impact": incident.impact,
        "status": incident.status,
        "severity": render_severity(incident.severity),
        # Its type and the answers to the type's fields (no query for an incident without one).
        "type": (
            {"slug": incident.type.slug, "name": incident.type.name}
            if incident.type_id and incident.type
            else None
        ),
        "fields": field_values_of(incident),
        "lead": render_person(incident.lead),
        "reporter": render_person(incident.reporter),
        "is_private": incident.is_private,
        "is_report_only": incident.is_report_only,
        "started_at": _time(incident.started_at),
        "detected_at": _time(incident.detected_at),
        "reported_at": _time(incident.reported_at),
        "acknowledged_at": _time(incident.acknowledged_at),
        "mitigated_at": _time(incident.mitigated_at),
        "identified_at": _time(incident.identified_at),
        "monitoring_at": _time(incident.monitoring_at),
        "resolved_at": _time(incident.resolved_at),
        "last_update_at": _time(incident.last_update_at),
        "updated_at": _time(incident.updated_at),
        "duration_seconds": int(incident.duration(now).total_seconds()),
        **{
            f"{d.name}_seconds": int(d.value.total_seconds()) if d.value is not None else None
            for d in key_durations(incident)
        },
        "roles": [
            {
                "role": {
                    "slug": held.role.slug,
                    "name": held.role.name,
                    "description": held.role.description,
                    "instructions": held.role.instructions,
                },
                "holder": render_person(held.holder),
            }
            for held in role_holders(incident)
        ],
        "services": [
            {"id": pk, "slug": slug, "name": name}
            for pk, slug, name in incident.services.order_by("name", "slug").values_list(
                "pk", "slug", "name"
            )
        ],
        "url": settings.SITE_URL + reverse("web:incident", args=[incident.pk]),
    }


def render_severity(severity: Severity | None) -> dict[str, Any] | None:
    if severity is None:
        return None
    return {
        "slug": severity.slug,
        "name": severity.name,
        "rank": severity.rank,
        "emoji": severity.emoji,
        "description": severity.description,
        "update_cadence_mins": severity.update_cadence_mins,
    }


def render_person(person: ExternalUser | None) -> dict[str, Any] | None:
    if person is None:
        return None
    return {
        "id": person.pk,
        "app": person.app,
        "workspace_id": person.workspace_id,
        "external_id": person.external_id,
        "name": person.name,
        "display_name": person.display_name,
        "full_name": person.full_name,
        "time_zone": person.time_zone,
        "is_bot": person.is_bot,
        "is_deleted": person.is_deleted,
    }


def render_action(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "incident_id": action.incident_id,
        "text": action.text,
        "owner": render_person(action.owner),
        "created_by": render_person(action.created_by),
        "due_date": _date(action.due_date),
        "priority": action.priority,
        "done": action.done,
        "done_at": _time(action.done_at),
        "overdue": action.is_overdue(),
        "external_url": action.external_url,
        "created_at": _time(action.created_at),
    }


def render_timeline_event(entry: TimelineEvent) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "incident_id": entry.incident_id,
        "timestamp": _time(entry.timestamp),
        "kind": entry.kind,
        "text": entry.display_text,
        "author": render_person(entry.author),
        "source": entry.source,
        "url": entry.url,
        "metadata": entry.metadata,
    }


def _time(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, to the millisecond, with a Z: as the API writes times (Django's JSON
    encoder)."""
    if value is None:
        return None
    return str(_ENCODER.default(value.astimezone(UTC)))


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None
