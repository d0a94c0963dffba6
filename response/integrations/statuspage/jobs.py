"""The status page's work engine jobs: publishing (one job per publication, in order per incident,
in lane `statuspage:<incident id>`, so a Statuspage outage never holds the incident's Slack work)
and fetching the page's components.

Statuspage has no idempotency key. Every incident we create or update carries our marker in its
`metadata` (`{"response": {"incident_id": …, "publication_id": …}}`), so a retried job first looks
for its own effect: before creating, among the page's incidents; before updating again, on the
public incident itself. A lost answer never makes a second public incident or update.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from response.core import verbs
from response.core.models import Incident
from response.engine.kinds import JobContext, Priority, job_kind
from response.engine.queue import enqueue
from response.integrations.http import Refused
from response.integrations.statuspage import client
from response.integrations.statuspage.blocks import (
    Published,
    render_publish_modal,
    render_published,
    render_refused,
    timeline_text,
)
from response.integrations.statuspage.models import Component, Publication, PublicIncident
from response.integrations.statuspage.selectors import publish_form
from response.integrations.statuspage.statuses import ComponentState, PublicStatus
from response.slack.outbound import outbox

logger = logging.getLogger(__name__)

COMPONENTS_LANE = "statuspage:components"


def publication_lane(incident_id: int) -> str:
    return f"statuspage:{incident_id}"


def marker(publication: Publication) -> dict[str, Any]:
    return {
        "response": {
            "incident_id": str(publication.incident_id),
            "publication_id": str(publication.pk),
        }
    }


def _ours(found: dict[str, Any]) -> dict[str, Any]:
    """Our marker in a Statuspage incident ({} when it is not ours)."""
    response = (found.get("metadata") or {}).get("response")
    return response if isinstance(response, dict) else {}


def request_fields(publication: Publication) -> dict[str, Any]:
    """The body of the create or update: Statuspage's `incident` object."""
    components = dict(publication.components)
    return {
        "name": publication.name,
        "status": publication.status,
        "body": publication.body,
        "components": components,
        "component_ids": sorted(
            cid for cid, state in components.items() if state != ComponentState.OPERATIONAL
        ),
        "metadata": marker(publication),
    }


@job_kind("statuspage.publish")
@dataclass(frozen=True)
class Publish:
    publication_id: int

    def perform(self, job: JobContext) -> dict:
        publication = Publication.objects.filter(pk=self.publication_id).first()
        if publication is None or publication.state != Publication.State.PENDING:
            return {"skipped": True}
        public = PublicIncident.objects.filter(incident_id=publication.incident_id).first()
        try:
            if public is None:
                answer, created = self._create_once(publication)
            else:
                try:
                    answer = self._update_once(publication, public.statuspage_id, job)
                    created = False
                except Refused as refusal:
                    if refusal.status != 404:
                        raise
                    # Someone deleted it on Statuspage: the public needs one, so make it again.
                    answer, created = self._create_once(publication)
        except Refused as refusal:  # for good: said in the channel and on the timeline
            return {"refused": refusal.detail, "http_status": refusal.status}
        return {
            "statuspage_id": str(answer.get("id") or ""),
            "shortlink": str(answer.get("shortlink") or ""),
            "created": created,
        }

    @staticmethod
    def _create_once(publication: Publication) -> tuple[dict[str, Any], bool]:
        """Create the public incident, unless an earlier attempt did (its answer lost)."""
        candidates = client.unresolved_incidents()
        if publication.status == PublicStatus.RESOLVED:
            candidates += client.recent_incidents()
        mine = str(publication.incident_id)
        found = next((c for c in candidates if _ours(c).get("incident_id") == mine), None)
        if found is None:
            return client.create_incident(request_fields(publication)), True
        if _ours(found).get("publication_id") == str(publication.pk):
            return found, True  # this very publication created it
        return client.update_incident(str(found["id"]), request_fields(publication)), False

    @staticmethod
    def _update_once(publication: Publication, statuspage_id: str, job: JobContext) -> dict:
        if job.attempts > 1:  # an earlier attempt may have been applied, its answer lost
            current = client.get_incident(statuspage_id)
            if _ours(current).get("publication_id") == str(publication.pk):
                return current
        return client.update_incident(statuspage_id, request_fields(publication))

    def record(self, job: JobContext, result: dict) -> None:
        if result.get("skipped"):
            return
        publication = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("incident", "requested_by")
            .filter(pk=self.publication_id, state=Publication.State.PENDING)
            .first()
        )
        if publication is None:
            return
        if "refused" in result:
            _record_refusal(publication, str(result["refused"]))
        else:
            _record_published(publication, result)


def _record_refusal(publication: Publication, reason: str) -> None:
    publication.state = Publication.State.REFUSED
    publication.error = reason
    publication.save(update_fields=["state", "error"])
    status = PublicStatus(publication.status)
    verbs.add_timeline_event(
        publication.incident,
        f"Status page update refused by Statuspage ({status.label}): {reason}",
        source=f"statuspage:{publication.pk}",
        by=publication.requested_by,
    )
    by = publication.requested_by
    text, blocks = render_refused(
        publication.incident_id,
        status=status,
        reason=reason,
        by_id=by.external_id if by else None,
    )
    outbox.post_to_incident_channel(publication.incident_id, text=text, blocks=blocks)


def _record_published(publication: Publication, result: dict) -> None:
    now = timezone.now()
    link = result.get("shortlink") or settings.STATUSPAGE_PUBLIC_URL
    PublicIncident.objects.update_or_create(
        incident_id=publication.incident_id,
        defaults={
            "statuspage_id": result["statuspage_id"],
            "shortlink": result.get("shortlink") or "",
            "status": publication.status,
            "last_published_at": now,
        },
    )
    known = {c.component_id: c for c in Component.objects.all()}
    changes = tuple(
        (known[cid].name, ComponentState(state))
        for cid, state in publication.components.items()
        if cid in known and known[cid].status != state
    )
    publication.state = Publication.State.PUBLISHED
    publication.published_at = now
    publication.save(update_fields=["state", "published_at"])
    by = publication.requested_by
    published = Published(
        status=PublicStatus(publication.status),
        body=publication.body,
        link=link,
        created=bool(result.get("created")),
        by_id=by.external_id if by else None,
        component_changes=changes,
    )
    verbs.add_timeline_event(
        publication.incident,
        timeline_text(published),
        url=link,
        source=f"statuspage:{publication.pk}",
        metadata={"statuspage_id": result["statuspage_id"]},
        by=by,
    )
    text, blocks = render_published(published)
    outbox.post_to_incident_channel(publication.incident_id, text=text, blocks=blocks)
    refresh_components()  # the states it set


@job_kind("statuspage.components", priority=Priority.BACKGROUND)
@dataclass(frozen=True)
class RefreshComponents:
    def perform(self, job: JobContext) -> dict:
        try:
            listed = client.list_components()
        except Refused as refusal:
            # A key or page id that is wrong: publishing says so where people act; the form
            # keeps the list it has. Parked jobs, one per form opened, would say nothing more.
            logger.warning("Statuspage refused to list the components: %s", refusal)
            return {"refused": refusal.detail}
        return {
            "components": [
                {
                    "id": str(c["id"]),
                    "name": str(c.get("name") or c["id"]),
                    "status": str(c.get("status") or ComponentState.OPERATIONAL),
                    "position": int(c.get("position") or 0),
                }
                for c in listed
                if not c.get("group")  # a group's state is its members'
            ]
        }

    def record(self, job: JobContext, result: dict) -> None:
        if "refused" in result:
            return
        now = timezone.now()
        listed = result.get("components") or []
        for c in listed:
            Component.objects.update_or_create(
                component_id=c["id"],
                defaults={
                    "name": c["name"][:255],
                    "status": c["status"],
                    "position": c["position"],
                    "refreshed_at": now,
                },
            )
        Component.objects.exclude(component_id__in=[c["id"] for c in listed]).delete()


@job_kind("statuspage.fill_form", priority=Priority.BACKGROUND, transactional=True)
@dataclass(frozen=True)
class FillForm:
    """A form opened before the components were ever listed gets them once they are: queued
    behind the refresh, in its lane, so it runs when Statuspage has answered. What the person
    typed meanwhile stays (the inputs keep their block ids)."""

    view_id: str
    incident_id: int

    def perform(self, job: JobContext) -> dict:
        incident = Incident.objects.filter(pk=self.incident_id).first()
        if incident is None or not Component.objects.exists():
            return {"filled": False}
        view = render_publish_modal(publish_form(incident))
        outbox.call(
            f"statuspage:form:{self.view_id}",
            "views.update",
            ok_errors=("not_found", "view_not_found"),  # closed or submitted meanwhile
            view_id=self.view_id,
            view=view,
        )
        return {"filled": True}


def fill_form_when_listed(*, view_id: str, incident_id: int) -> None:
    refresh_components()
    enqueue(FillForm(view_id=view_id, incident_id=incident_id), lane=COMPONENTS_LANE)


def refresh_components() -> None:
    """Fetch the page's components again (once, however often asked while it waits)."""
    enqueue(RefreshComponents(), lane=COMPONENTS_LANE, key=COMPONENTS_LANE)


def publish(publication: Publication) -> None:
    enqueue(Publish(publication_id=publication.pk), lane=publication_lane(publication.incident_id))
