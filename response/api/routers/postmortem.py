"""An incident's post-mortem: read it, start it (pre-filled), change its sections, owner and
state, and export it as Markdown."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Status

from response.api import queries, services
from response.api.auth import ApiRequest
from response.api.errors import ERRORS, ERRORS_WRITE
from response.api.schemas import PostMortemOut, PostMortemPatch
from response.api.types import Id
from response.core import verbs
from response.core.errors import NotFound
from response.core.models import Incident, PostMortem
from response.core.postmortems import postmortem_markdown, postmortem_of, sections_of

router = Router(tags=["post-mortems"])


def _check_postmortem(incident: Incident) -> PostMortem:
    postmortem = postmortem_of(incident)
    if postmortem is None:
        raise NotFound(
            f"Incident #{incident.pk} has no post-mortem yet: POST or PATCH starts it.",
            field="incident_id",
        )
    return postmortem


def _out(postmortem: PostMortem) -> dict:
    return {
        "incident_id": postmortem.incident_id,
        "state": postmortem.state,
        "owner": postmortem.owner,
        "created_at": postmortem.created_at,
        "updated_at": postmortem.updated_at,
        "done_at": postmortem.done_at,
        "sections": sections_of(postmortem),
    }


@router.get("/incidents/{incident_id}/postmortem", response={200: PostMortemOut, **ERRORS})
def get_postmortem(request: ApiRequest, incident_id: Id):
    incident = queries.check_incident(request.auth, incident_id)
    return _out(_check_postmortem(incident))


@router.post(
    "/incidents/{incident_id}/postmortem",
    response={200: PostMortemOut, 201: PostMortemOut, **ERRORS_WRITE},
)
def start_postmortem(request: ApiRequest, incident_id: Id):
    """Start the post-mortem, pre-filled from what the incident knows (201); started already,
    pre-fill again the sections nobody has written (200). What people wrote is never replaced."""
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    _, created = verbs.start_postmortem_once(incident, by=request.auth)
    return Status(201 if created else 200, _out(_check_postmortem(incident)))


@router.patch("/incidents/{incident_id}/postmortem", response={200: PostMortemOut, **ERRORS_WRITE})
def update_postmortem(request: ApiRequest, incident_id: Id, payload: PostMortemPatch):
    """Change the sections given (each with the `version` you edited, to be refused rather than
    overwrite someone else's edit), the owner, the state (`in_review` and `done` once the
    incident is resolved; `done` once a person wrote the root cause). Starts the post-mortem if
    needed; all or nothing."""
    queries.check_can_write(request)
    incident = queries.check_incident(request.auth, incident_id)
    services.patch_postmortem(
        incident, changes=payload.model_dump(exclude_unset=True), by=request.auth
    )
    return _out(_check_postmortem(incident))


@router.get(
    "/incidents/{incident_id}/postmortem.md",
    response={200: str, **ERRORS},
    openapi_extra={
        "responses": {200: {"description": "Markdown", "content": {"text/markdown": {}}}}
    },
)
def export_postmortem(request: ApiRequest, incident_id: Id):
    """The post-mortem as a Markdown document."""
    incident = queries.check_incident(request.auth, incident_id)
    postmortem = _check_postmortem(incident)
    text = postmortem_markdown(incident, postmortem, sections_of(postmortem))
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="postmortem-{incident.pk}.md"'
    return response
