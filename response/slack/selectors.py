"""Reads for the Slack adapter: the incident behind a channel, the data the renderers show."""

from __future__ import annotations

import logging
import time

from response.core.durations import time_from_start
from response.core.models import Action, Incident, Service, Severity
from response.core.roles import LEAD
from response.core.selectors import role_holders, shown_fields_of
from response.slack.blocks.data import IncidentData, RoleShown, ServiceChoice, SeverityChoice
from response.slack.blocks.times import render_duration
from response.slack.decorators import FOLLOW_UP_ACTION_BUTTONS, HEADLINE_POST_ACTIONS
from response.slack.models import CommsChannel, HeadlinePost

logger = logging.getLogger(__name__)


def incidents_for_display():
    """Incidents with everything incident_data() reads, in one query (the headline post too, for
    plugins' buttons)."""
    return Incident.objects.select_related(
        "severity", "lead", "reporter", "comms_channel", "headline_post"
    )


# A comms channel belongs to one incident for good: remember which (per process), so that the
# events of a busy channel don't each ask the database. The incident itself is always read.
_incident_of_channel: dict[str, int] = {}
_channel_of_incident: dict[int, str] = {}


def forget_channels() -> None:
    """Tests start each time from an empty database."""
    _incident_of_channel.clear()
    _channel_of_incident.clear()
    forget_severities()
    forget_services()


def incident_for_channel(channel_id: str | None, *, for_display: bool = True) -> Incident | None:
    """The incident whose comms channel this is (with what the renderers show, unless
    `for_display=False`: the incident alone, cheaper)."""
    if not channel_id:
        return None
    incidents = incidents_for_display() if for_display else Incident.objects.all()
    known = _incident_of_channel.get(channel_id)
    if known is not None:
        return incidents.filter(pk=known).first()
    # Most channels are no incident's: find out with the cheapest query there is.
    incident_id = (
        CommsChannel.objects.filter(channel_id=channel_id)
        .values_list("incident_id", flat=True)
        .first()
    )
    if incident_id is None:
        return None
    _incident_of_channel[channel_id] = incident_id
    return incidents.filter(pk=incident_id).first()


def comms_channel_of(incident_id: int) -> CommsChannel | None:
    return CommsChannel.objects.filter(incident_id=incident_id).first()


def comms_channel_id(incident_id: int) -> str | None:
    """The id of the incident's comms channel, if it has one yet (remembered once it does)."""
    known = _channel_of_incident.get(incident_id)
    if known is not None:
        return known
    found = (
        CommsChannel.objects.filter(incident_id=incident_id)
        .values_list("channel_id", flat=True)
        .first()
    )
    if found is not None:
        _channel_of_incident[incident_id] = found
    return found


# Severities change in the admin, rarely; every modal and picker shows them.
SEVERITIES_FOR_SECONDS = 10.0
_severities: tuple[float, list[SeverityChoice]] | None = None


def severity_choices() -> list[SeverityChoice]:
    """The severities to offer, read at most every few seconds (and again after a change in
    this process)."""
    global _severities
    if _severities is not None and time.monotonic() - _severities[0] < SEVERITIES_FOR_SECONDS:
        return list(_severities[1])
    choices = [
        SeverityChoice(slug=s.slug, name=s.name, emoji=s.emoji, rank=s.rank)
        for s in Severity.objects.order_by("rank")
    ]
    _severities = (time.monotonic(), choices)
    return list(choices)


def forget_severities(**kwargs) -> None:
    global _severities
    _severities = None


# The service catalog changes in the admin or by an import, rarely; the declare modal and the
# headline's button offer it.
SERVICES_FOR_SECONDS = 10.0
_services: tuple[float, list[ServiceChoice]] | None = None


def service_choices() -> list[ServiceChoice]:
    """The catalog's services, by name, read at most every few seconds (and again after a change
    in this process)."""
    global _services
    if _services is not None and time.monotonic() - _services[0] < SERVICES_FOR_SECONDS:
        return list(_services[1])
    choices = [
        ServiceChoice(slug=slug, name=name)
        for slug, name in Service.objects.order_by("name", "slug").values_list("slug", "name")
    ]
    _services = (time.monotonic(), choices)
    return list(choices)


def forget_services(**kwargs) -> None:
    global _services
    _services = None


def services_of(incident_id: int) -> tuple[str, ...]:
    """The names of the services an incident affects, by name."""
    return tuple(
        Service.objects.filter(affected_by__incident_id=incident_id)
        .order_by("name")
        .values_list("name", flat=True)
    )


def incident_data(
    incident: Incident,
    *,
    with_plugin_buttons: bool = True,
    with_roles: bool = False,
    with_services: bool = False,
) -> IncidentData:
    """What the renderers show. With `select_related("severity", "lead", "reporter",
    "comms_channel")` on the incident, this makes no query (plugin buttons aside; the roles
    held, `with_roles`, are one; the services affected, `with_services`, one more)."""
    try:
        channel = incident.comms_channel
    except CommsChannel.DoesNotExist:
        channel = None
    severity = incident.severity
    return IncidentData(
        id=incident.pk,
        title=incident.title,
        status=incident.status,
        status_label=incident.get_status_display(),
        severity=(
            SeverityChoice(severity.slug, severity.name, severity.emoji, severity.rank)
            if severity
            else None
        ),
        reporter_id=incident.reporter.external_id if incident.reporter else None,
        lead_id=incident.lead.external_id if incident.lead else None,
        summary=incident.summary,
        impact=incident.impact,
        is_open=incident.is_open(),
        is_private=incident.is_private,
        is_report_only=incident.is_report_only,
        comms_channel_id=channel.channel_id if channel else None,
        reported_ts=int(incident.reported_at.timestamp()),
        duration_text=render_duration(
            incident.duration(), time_from_start(incident, incident.mitigated_at)
        )
        if incident.is_closed()
        else None,
        extra_buttons=plugin_buttons(incident) if with_plugin_buttons else (),
        roles=roles_held(incident) if with_roles else (),
        call_url=channel.call_url if channel else "",
        # No query for an incident without a type.
        type_name=incident.type.name if incident.type_id and incident.type else "",
        fields=tuple((f.label, f.value) for f in shown_fields_of(incident)),
        services=services_of(incident.pk) if with_services else (),
    )


def roles_shown(incident: Incident, *, held_only: bool = False) -> list[RoleShown]:
    """The incident's roles (response.core.roles) as Slack shows them, the lead first."""
    return [
        RoleShown(
            slug=h.role.slug,
            name=h.role.name,
            holder_id=h.holder.external_id if h.holder else None,
            description=h.role.description,
            instructions=h.role.instructions,
        )
        for h in role_holders(incident, held_only=held_only)
    ]


def roles_held(incident: Incident) -> tuple[RoleShown, ...]:
    """The roles held besides the lead (whom the headline and the topic show on their own)."""
    return tuple(r for r in roles_shown(incident, held_only=True) if r.slug != LEAD)


def plugin_buttons(incident: Incident) -> tuple[tuple[int, dict], ...]:
    """Buttons added with @headline_post_action; a broken plugin loses its button, nothing more."""
    try:
        headline_post = incident.headline_post  # loaded with the incident, or read now
    except HeadlinePost.DoesNotExist:
        # Not HeadlinePost(incident=incident): that would make it the incident's headline post.
        headline_post = HeadlinePost(incident_id=incident.pk)
    buttons = []
    for spec in sorted(HEADLINE_POST_ACTIONS.values(), key=lambda s: s.order):
        try:
            element = spec.func(headline_post)
        except Exception:
            logger.exception("Headline post action %s failed (incident %s)", spec.func, incident.pk)
            continue
        if element is not None:
            buttons.append(
                (spec.order, element.to_dict() if hasattr(element, "to_dict") else element)
            )
    return tuple(buttons)


def follow_up_action_buttons(action: Action) -> list[dict]:
    """Buttons added with @follow_up_action_button; a broken plugin loses its button only."""
    buttons = []
    for spec in sorted(FOLLOW_UP_ACTION_BUTTONS.values(), key=lambda s: s.order):
        try:
            element = spec.func(action)
        except Exception:
            logger.exception("Follow-up action button %s failed (action %s)", spec.func, action.pk)
            continue
        if element is not None:
            buttons.append(element.to_dict() if hasattr(element, "to_dict") else element)
    return buttons
