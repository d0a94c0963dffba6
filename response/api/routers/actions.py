"""Follow-up actions, per incident and across incidents."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema, Status

from response.api import queries, services
from response.api.auth import ApiRequest
from response.api.errors import ERRORS, ERRORS_WRITE
from response.api.pagination import PageParams, paginate
from response.api.schemas import ActionExportIn, ActionIn, ActionOut, ActionPage, ActionPatch
from response.api.types import Id
from response.core import verbs

router = Router(tags=["actions"])


class ActionFilters(Schema):
    owner_id: Id | None = None
    done: bool | None = None
    overdue: bool | None = Field(None, description="Not done and past its due date.")


@router.get("/actions", response={200: ActionPage, **ERRORS})
def list_actions(
    request: ApiRequest,
    filters: Query[ActionFilters],
    page: Query[PageParams],
    incident_id: Id | None = None,
):
    """Follow-up actions on every incident this user may see: open first, soonest due first."""
    actions = queries.filter_actions(
        queries.actions_for(request.auth), incident_id=incident_id, **filters.model_dump()
    )
    return paginate(actions, page)


@router.get("/incidents/{incident_id}/actions", response={200: ActionPage, **ERRORS})
def list_incident_actions(
    request: ApiRequest, incident_id: Id, filters: Query[ActionFilters], page: Query[PageParams]
):
    incident = queries.check_incident(request.auth, incident_id)
    actions = queries.filter_actions(
        queries.actions_for(request.auth), incident_id=incident.pk, **filters.model_dump()
    )
    return paginate(actions, page)


@router.post("/incidents/{incident_id}/actions", response={201: ActionOut, **ERRORS_WRITE})
def create_action(request: ApiRequest, incident_id: Id, payload: ActionIn):
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    fields = payload.model_dump()
    owner = queries.check_user(fields.pop("owner_id"), field="owner_id")
    action = verbs.add_action(incident, fields.pop("text"), owner=owner, **fields, by=request.auth)
    return Status(201, queries.check_action(request.auth, action.pk))


@router.get("/actions/{action_id}", response={200: ActionOut, **ERRORS})
def get_action(request: ApiRequest, action_id: Id):
    return queries.check_action(request.auth, action_id)


@router.patch("/actions/{action_id}", response={200: ActionOut, **ERRORS_WRITE})
def update_action(request: ApiRequest, action_id: Id, payload: ActionPatch):
    """Change any of the fields given; `done` marks it done or not done."""
    queries.check_can_write(request)
    action = queries.check_action(request.auth, action_id)
    services.patch_action(action, changes=payload.model_dump(exclude_unset=True), by=request.auth)
    return queries.check_action(request.auth, action_id)


@router.post("/actions/{action_id}/complete", response={200: ActionOut, **ERRORS_WRITE})
def complete_action(request: ApiRequest, action_id: Id):
    queries.check_can_write(request)
    action = queries.check_action(request.auth, action_id)
    verbs.complete_action(action, by=request.auth)
    return queries.check_action(request.auth, action_id)


@router.post("/actions/{action_id}/export", response={202: ActionOut, **ERRORS_WRITE})
def export_action(request: ApiRequest, action_id: Id, payload: ActionExportIn | None = None):
    """Export it to an issue tracker (Jira or GitHub Issues, as set up): accepted now, created
    by the worker; `tracker_key` and `tracker_url` are set once the issue exists. Asked again
    while under way, nothing changes; once exported, a 409; with no tracker set up, a 400."""
    queries.check_can_write(request)
    action = queries.check_action(request.auth, action_id)
    verbs.request_action_export(action, payload.tracker if payload else None, by=request.auth)
    return Status(202, queries.check_action(request.auth, action_id))
