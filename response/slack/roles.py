"""How Slack follows the incident's roles: the new holder is invited to the channel and sent the
role's instructions, and the channel is told. Called by response.slack.reactions in the
transaction of the change; it only queues jobs."""

from __future__ import annotations

from django.conf import settings

from response.core.events import IncidentChanged
from response.core.models import ExternalUser, Incident
from response.core.roles import LEAD, Role, role_by_slug
from response.slack.blocks.data import RoleShown
from response.slack.blocks.headline import incident_url
from response.slack.blocks.roles import render_role_dm, render_role_given
from response.slack.outbound import outbox
from response.slack.selectors import comms_channel_id


def shown(role: Role, holder: ExternalUser | None) -> RoleShown:
    return RoleShown(
        slug=role.slug,
        name=role.name,
        holder_id=holder.external_id if holder else None,
        description=role.description,
        instructions=role.instructions,
    )


def on_role_changed(incident: Incident, event: IncidentChanged, *, by: str) -> None:
    """A role other than the lead changed hands (`by`: " (by Dana, on the web)" or "")."""
    slug = str(event.extra.get("role") or "")
    role = role_by_slug(slug) or Role(slug=slug, name=slug)
    holder = ExternalUser.objects.filter(pk=event.object_id).first() if event.object_id else None
    outbox.sync_incident(incident.pk, debounce=True)  # the headline and the topic show roles
    channel_id = comms_channel_id(incident.pk)
    if channel_id is not None:
        if holder is not None:
            outbox.invite_to_incident_channel(incident.pk, [holder.external_id])
        outbox.post_to_incident_channel(
            incident.pk, text=render_role_given(shown(role, holder), by=by)
        )
    if holder is not None:
        send_instructions(incident, role, holder, channel_id=channel_id)


def on_lead_changed(incident: Incident) -> None:
    """The lead is a role too: its holder gets its instructions like any other."""
    lead_role = role_by_slug(LEAD)
    if incident.lead is not None and lead_role is not None and lead_role.instructions:
        send_instructions(
            incident, lead_role, incident.lead, channel_id=comms_channel_id(incident.pk)
        )


def send_instructions(
    incident: Incident, role: Role, holder: ExternalUser, *, channel_id: str | None
) -> None:
    if holder.is_bot:
        return
    text, blocks = render_role_dm(
        shown(role, holder),
        incident_id=incident.pk,
        title=incident.title,
        channel_id=channel_id,
        url=incident_url(incident.pk, site_url=settings.SITE_URL),
    )
    outbox.send_dm(holder.external_id, text=text, blocks=blocks)
