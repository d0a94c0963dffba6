"""Incidents: list, detail, declare, partial update, resolve, reopen, status updates. No delete."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Header, Query, Router, Schema, Status

from response.api import queries, services
from response.api.auth import ApiRequest
from response.api.errors import ERRORS, ERRORS_WRITE
from response.api.pagination import PageParams, paginate
from response.api.schemas import (
    IncidentDetailOut,
    IncidentIn,
    IncidentPage,
    IncidentPatch,
    IncidentTypeDetailOut,
    ReopenIn,
    ResolveIn,
    RoleHolderIn,
    RoleOut,
    StatusName,
    StatusUpdateIn,
    TimelineEventOut,
)
from response.api.types import Id, Text, UtcDatetime
from response.core import verbs
from response.core.models import IncidentType
from response.core.roles import all_roles
from response.core.selectors import with_field_values

router = Router(tags=["incidents"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="A retried request with the same key returns the first one's incident.",
)


class IncidentFilters(Schema):
    status: list[StatusName] | None = Field(None, description="Any of these statuses.")
    severity: list[Annotated[Text, Field(max_length=64)]] | None = Field(
        None, description="Any of these severity slugs; 'unset' for none."
    )
    type: list[Annotated[Text, Field(max_length=64)]] | None = Field(
        None, description="Any of these type slugs; 'none' for none."
    )
    lead_id: Id | None = None
    reporter_id: Id | None = None
    is_private: bool | None = None
    reported_after: UtcDatetime | None = Field(None, description="Reported at or after.")
    reported_before: UtcDatetime | None = Field(None, description="Reported before.")
    q: Annotated[Text, Field(max_length=200)] | None = Field(
        None, description="Text in the title, summary or impact."
    )
    service: list[Annotated[Text, Field(max_length=64)]] | None = Field(
        None, description="Affecting any of these services (slugs)."
    )
    triage: bool = Field(
        False,
        description="Include triage incidents (opened by alerts: waiting for a decision, or "
        "declined); asking for the status 'triage' or 'declined' includes them too.",
    )


@router.get("/incidents", response={200: IncidentPage, **ERRORS})
def list_incidents(request: ApiRequest, filters: Query[IncidentFilters], page: Query[PageParams]):
    """Incidents this user may see, newest first."""
    incidents = queries.filter_incidents(
        queries.incidents_for(request.auth), **filters.model_dump()
    )
    found = paginate(incidents, page)
    with_field_values(found["items"])  # one query, and none when no incident has a type
    return found


@router.post(
    "/incidents", response={200: IncidentDetailOut, 201: IncidentDetailOut, **ERRORS_WRITE}
)
def create_incident(
    request: ApiRequest,
    payload: IncidentIn,
    idempotency_key: Annotated[Text, Field(max_length=150)] | None = IDEMPOTENCY_KEY,
):
    """Declare an incident, exactly as `/incident` in Slack does (channel, headline post, ...).

    201 when declared; 200 when a dedup key or Idempotency-Key returned an existing incident."""
    queries.check_can_write(request)
    incident, created = services.declare_from_api(
        request.auth, fields=payload.model_dump(), idempotency_key=idempotency_key
    )
    return Status(201 if created else 200, queries.incident_detail(incident.pk))


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS})
def get_incident(request: ApiRequest, incident_id: Id):
    return queries.check_incident(request.auth, incident_id, detail=True)


@router.patch("/incidents/{incident_id}", response={200: IncidentDetailOut, **ERRORS_WRITE})
def update_incident(request: ApiRequest, incident_id: Id, payload: IncidentPatch):
    """Change any of the fields given; fields left out are not touched."""
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    services.patch_incident(
        incident, changes=payload.model_dump(exclude_unset=True), by=request.auth
    )
    return queries.incident_detail(incident_id)


@router.post("/incidents/{incident_id}/resolve", response={200: IncidentDetailOut, **ERRORS_WRITE})
def resolve_incident(request: ApiRequest, incident_id: Id, payload: ResolveIn | None = None):
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    verbs.resolve_incident(incident, at=payload.at if payload else None, by=request.auth)
    return queries.incident_detail(incident_id)


@router.post("/incidents/{incident_id}/reopen", response={200: IncidentDetailOut, **ERRORS_WRITE})
def reopen_incident(request: ApiRequest, incident_id: Id, payload: ReopenIn | None = None):
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    status = payload.status if payload else "investigating"
    verbs.reopen_incident(incident, status=status, by=request.auth)
    return queries.incident_detail(incident_id)


@router.post("/incidents/{incident_id}/updates", response={201: TimelineEventOut, **ERRORS_WRITE})
def post_status_update(request: ApiRequest, incident_id: Id, payload: StatusUpdateIn):
    """Post a "where are we" update: it goes on the timeline and to the incident's channel."""
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    entry = verbs.post_status_update(incident, payload.text, by=request.auth)
    return Status(201, queries.check_timeline_event(incident, entry.pk))


@router.get("/types", response={200: list[IncidentTypeDetailOut], **ERRORS})
def list_types(request: ApiRequest):
    """The incident types and their custom fields (archived ones too, marked so)."""
    return list(IncidentType.objects.prefetch_related("fields").order_by("order", "name"))


@router.get("/roles", response={200: list[RoleOut], **ERRORS})
def list_roles(request: ApiRequest):
    """The roles people take in incidents, the lead first."""
    return [RoleOut.of(role) for role in all_roles()]


@router.put(
    "/incidents/{incident_id}/roles/{role}", response={200: IncidentDetailOut, **ERRORS_WRITE}
)
def assign_role(request: ApiRequest, incident_id: Id, role: Text, payload: RoleHolderIn):
    """Give a role (its slug, name or an alias) to a user: they are told in Slack what it asks."""
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    person = queries.check_user(payload.user_id, field="user_id")
    assert person is not None  # an id was given
    verbs.assign_role(incident, role, person, by=request.auth)
    return queries.incident_detail(incident_id)


@router.delete(
    "/incidents/{incident_id}/roles/{role}", response={200: IncidentDetailOut, **ERRORS_WRITE}
)
def unassign_role(request: ApiRequest, incident_id: Id, role: Text):
    """Nobody holds the role any more."""
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    verbs.unassign_role(incident, role, by=request.auth)
    return queries.incident_detail(incident_id)
