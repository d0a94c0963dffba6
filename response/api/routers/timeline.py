"""An incident's timeline: list, add, edit, delete entries."""

from __future__ import annotations

from django.db import transaction
from ninja import Query, Router, Status

from response.api import queries
from response.api.auth import ApiRequest
from response.api.errors import ERRORS, ERRORS_WRITE
from response.api.pagination import PageParams, paginate
from response.api.schemas import TimelineEventIn, TimelineEventOut, TimelineEventPatch, TimelinePage
from response.api.types import Id
from response.core import verbs
from response.core.selectors import timeline_of

router = Router(tags=["timeline"])


@router.get("/incidents/{incident_id}/timeline", response={200: TimelinePage, **ERRORS})
def list_timeline(request: ApiRequest, incident_id: Id, page: Query[PageParams]):
    """Entries in time order, oldest first."""
    incident = queries.check_incident(request.auth, incident_id)
    return paginate(timeline_of(incident), page)


@router.post("/incidents/{incident_id}/timeline", response={201: TimelineEventOut, **ERRORS_WRITE})
def add_timeline_event(request: ApiRequest, incident_id: Id, payload: TimelineEventIn):
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    entry = verbs.add_timeline_event(
        incident,
        payload.text,
        timestamp=payload.timestamp,
        kind=payload.kind,
        url=payload.url,
        by=request.auth,
    )
    return Status(201, queries.check_timeline_event(incident, entry.pk))


@router.get(
    "/incidents/{incident_id}/timeline/{event_id}", response={200: TimelineEventOut, **ERRORS}
)
def get_timeline_event(request: ApiRequest, incident_id: Id, event_id: Id):
    incident = queries.check_incident(request.auth, incident_id)
    return queries.check_timeline_event(incident, event_id)


@router.patch(
    "/incidents/{incident_id}/timeline/{event_id}",
    response={200: TimelineEventOut, **ERRORS_WRITE},
)
def edit_timeline_event(
    request: ApiRequest, incident_id: Id, event_id: Id, payload: TimelineEventPatch
):
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    entry = queries.check_timeline_event(incident, event_id)
    # The answer is read in the edit's transaction: a delete arriving meanwhile waits for it,
    # so an edit that was made is answered with the entry, never with a 404.
    with transaction.atomic():
        verbs.edit_timeline_event(entry, **payload.model_dump(exclude_unset=True), by=request.auth)
        return queries.check_timeline_event(incident, event_id)


@router.delete("/incidents/{incident_id}/timeline/{event_id}", response={204: None, **ERRORS_WRITE})
def delete_timeline_event(request: ApiRequest, incident_id: Id, event_id: Id):
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    entry = queries.check_timeline_event(incident, event_id)
    verbs.remove_timeline_event(entry, by=request.auth)
    return Status(204, None)
