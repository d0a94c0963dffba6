"""Choosing the affected services in Slack: `@Response services checkout payments`, and the
headline's "Services" button with its modal. Written with the same building blocks as any
plugin; the change itself is the core verb `set_services`."""

from __future__ import annotations

from typing import Any

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.models import Incident, Service
from response.slack.blocks import ids
from response.slack.blocks.services import (
    render_services_list,
    render_services_modal,
    set_services_button,
)
from response.slack.blocks.text import escape
from response.slack.decorators import (
    ActionContext,
    action_handler,
    headline_post_action,
    incident_command,
    modal_handler,
)
from response.slack.inbound.context import Changed, from_slack, tell
from response.slack.inbound.forms import as_pk, choices_of
from response.slack.inbound.modals import open_view
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user
from response.slack.selectors import service_choices

NONE = {"none", "nothing", "clear"}


def affected_slugs(incident: Incident) -> list[str]:
    return list(
        Service.objects.filter(affected_by__incident=incident)
        .order_by("name")
        .values_list("slug", flat=True)
    )


@incident_command(
    ["services", "service"],
    helptext=(
        "`services [<service>…|add <service>|remove <service>|none]` Set the affected services "
        "(their teams are invited), or list them."
    ),
)
def set_services(incident: Incident, user_id: str, message: str):
    words = from_slack(message).replace(",", " ").split()
    current = affected_slugs(incident)
    if not words:
        names = list(
            Service.objects.filter(affected_by__incident=incident)
            .order_by("name")
            .values_list("name", flat=True)
        )
        return True, render_services_list(names, service_choices())
    verb, named = words[0].lower(), words[1:]
    if verb in NONE and not named:
        wanted: list[str] = []
    elif verb == "add" and named:
        wanted = current + [s.slug for s in verbs.check_services(named)]
    elif verb == "remove" and named:
        gone = {s.slug for s in verbs.check_services(named)}
        wanted = [slug for slug in current if slug not in gone]
    else:
        wanted = [s.slug for s in verbs.check_services(words)]
    if set(wanted) == set(current):
        return True, "The affected services are already those."
    verbs.set_services(incident, wanted, by=slack_user(user_id))
    shown = ", ".join(Service.objects.filter(slug__in=wanted).values_list("name", flat=True))
    return True, Changed(f"Affected services: {escape(shown) or 'none'}.")


@headline_post_action(order=350)
def services_button(headline_post):
    """Offered when the catalog has services (read from a cache: no query on most syncs)."""
    return set_services_button(headline_post.incident_id) if service_choices() else None


@action_handler(ids.SET_SERVICES)
def open_services_modal(context: ActionContext):
    incident = context.incident
    if incident is None:
        raise InvalidInput("I can't tell which incident this is about.")
    view = render_services_modal(
        incident_id=incident.pk,
        title=incident.title,
        services=service_choices(),
        current=tuple(affected_slugs(incident)),
    )
    problem = open_view(request_path_client(), trigger_id=context.trigger_id, view=view)
    if problem:
        tell(context.user_id, problem, channel_id=context.channel_id)


@modal_handler(ids.SERVICES_MODAL)
def submit_services(user_id: str, values: dict[str, Any], metadata: dict, payload: dict):
    incident_id = as_pk(metadata.get("incident_id"))
    incident = Incident.objects.filter(pk=incident_id).first() if incident_id else None
    if incident is None:
        return {ids.SERVICES: "This incident no longer exists."}
    try:
        verbs.set_services(incident, choices_of(values, ids.SERVICES), by=slack_user(user_id))
    except InvalidInput as error:
        return {ids.SERVICES: error.message}
    return None
