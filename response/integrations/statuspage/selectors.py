"""Reads of the status page's tables for Slack: what the form starts with."""

from __future__ import annotations

from django.db.models import Max

from response.core.models import Incident, TimelineEvent
from response.integrations.statuspage.blocks import ComponentChoice, PublishForm
from response.integrations.statuspage.models import Component, Publication, PublicIncident
from response.integrations.statuspage.statuses import (
    ComponentState,
    public_status_for,
)


def publish_form(incident: Incident) -> PublishForm:
    """The modal's starting point: the incident (its title, its status mapped, its last status
    update) and the last publication (its name and the components' states)."""
    public = PublicIncident.objects.filter(incident=incident).first()
    last = (
        Publication.objects.filter(incident=incident, state=Publication.State.PUBLISHED)
        .order_by("-published_at", "-id")
        .first()
    )
    last_update = (
        TimelineEvent.objects.filter(incident=incident, kind=TimelineEvent.Kind.UPDATE)
        .order_by("-timestamp", "-id")
        .values_list("text", flat=True)
        .first()
    )
    components = list(Component.objects.all())
    set_last = dict(last.components) if last else {}
    choices = tuple(
        ComponentChoice(
            component_id=c.component_id,
            name=c.name,
            state=ComponentState(set_last.get(c.component_id, c.status))
            if set_last.get(c.component_id, c.status) in ComponentState
            else ComponentState.OPERATIONAL,
        )
        for c in components
    )
    as_of = Component.objects.aggregate(latest=Max("refreshed_at"))["latest"]
    return PublishForm(
        incident_id=incident.pk,
        title=incident.title,
        name=last.name if last else incident.title,
        status=public_status_for(incident.status),
        message=last_update or "",
        components=choices,
        components_as_of=as_of,
        public_link=public.shortlink if public else "",
        public_exists=public is not None,
    )
