"""The audit log, read-only, in the order it was written: for incremental export."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Query, Router, Schema

from response.api import queries
from response.api.auth import ApiRequest
from response.api.errors import ERRORS
from response.api.schemas import AuditPage
from response.api.types import Id, UtcDatetime

router = Router(tags=["audit"])


class AuditFilters(Schema):
    after_id: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(
        0, description="Only events after this id: the previous page's next_after_id."
    )
    incident_id: Id | None = None
    since: UtcDatetime | None = Field(None, description="Occurred at or after.")
    until: UtcDatetime | None = Field(None, description="Occurred before.")
    limit: Annotated[int, Field(ge=1, le=1000)] = 100


@router.get("/audit-events", response={200: AuditPage, **ERRORS})
def list_audit_events(request: ApiRequest, filters: Query[AuditFilters]):
    """Events ordered by id, which only grows. Export incrementally by passing the last page's
    `next_after_id` as `after_id`. Non-staff users see only events of incidents they may see."""
    events = queries.audit_events_for(request.auth).filter(pk__gt=filters.after_id)
    if filters.incident_id is not None:
        events = events.filter(incident_id=filters.incident_id)
    if filters.since is not None:
        events = events.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(occurred_at__lt=filters.until)
    items = list(events[: filters.limit + 1])
    more = len(items) > filters.limit
    items = items[: filters.limit]
    return {"items": items, "next_after_id": items[-1].pk if more else None}
