"""Asking for a publication: our own row, keyed, and its job (the remote work is the job's)."""

from __future__ import annotations

from response.core.errors import InvalidInput
from response.core.models import ExternalUser, Incident
from response.integrations.statuspage import jobs
from response.integrations.statuspage.models import Publication
from response.integrations.statuspage.statuses import ComponentState, PublicStatus

NAME_MAX = 255


def request_publication(
    incident: Incident,
    *,
    key: str,
    name: str,
    status: str,
    body: str,
    components: dict[str, str],
    by: ExternalUser | None,
) -> tuple[Publication, bool]:
    """Record the publication under `key` and queue its job, in the caller's transaction. The
    same key again (a double submit, a redelivery) returns the first one: published once."""
    name = name.strip()
    if not name:
        raise InvalidInput("The public incident needs a name.", field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"Keep the name under {NAME_MAX} characters.", field="name")
    if status not in PublicStatus:
        raise InvalidInput(f"Unknown status “{status}”.", field="status")
    states = {cid: state for cid, state in components.items() if state in ComponentState}
    publication, created = Publication.objects.get_or_create(
        key=key,
        defaults={
            "incident": incident,
            "name": name,
            "status": status,
            "body": body.strip(),
            "components": states,
            "requested_by": by,
        },
    )
    if created:
        jobs.publish(publication)
    return publication, created
