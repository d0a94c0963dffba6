"""Giving roles in Slack: `@Response role comms @bob`, the welcome's "Assign roles" button and
its modal. Written with the same building blocks as any plugin."""

from __future__ import annotations

from typing import Any

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.models import ExternalUser, Incident, RoleAssignment
from response.core.roles import all_roles, check_role
from response.slack.blocks import ids
from response.slack.blocks.roles import render_role_list, render_roles_modal, role_block_id
from response.slack.blocks.text import escape, mention
from response.slack.decorators import ActionContext, action_handler, incident_command, modal_handler
from response.slack.inbound.context import USER_MENTION, Changed, mentioned_users, tell
from response.slack.inbound.forms import as_pk, person_of
from response.slack.inbound.modals import open_view
from response.slack.outbound.client import request_path_client
from response.slack.people import slack_user
from response.slack.selectors import roles_shown

MYSELF = {"me", "myself"}
NOBODY = {"nobody", "none", "noone", "no-one"}


def holds(incident: Incident, slug: str, person: ExternalUser) -> bool:
    if slug == "lead":
        return incident.lead_id == person.pk
    return RoleAssignment.objects.filter(incident=incident, role=slug, holder=person).exists()


@incident_command(
    ["role", "roles"],
    helptext=(
        "`role [<role> @person|me|nobody]` Give a role (comms, scribe, lead…) to someone "
        "(you, if nobody is named), or list who holds which."
    ),
)
def give_role(incident: Incident, user_id: str, message: str):
    named = mentioned_users(message)
    words = USER_MENTION.sub(" ", message).split()
    if not words and not named:
        return True, render_role_list(incident.pk, roles_shown(incident))
    last = words[-1].lower() if words else ""
    if last in MYSELF | NOBODY:
        words = words[:-1]
    if not words:
        return False, "Which role? For example `role comms @bob`; `role` lists them."
    role = check_role(" ".join(words))
    by = slack_user(user_id)
    if last in NOBODY:
        verbs.unassign_role(incident, role, by=by)
        return True, Changed(f"Nobody is {escape(role.name)} now.")
    person = slack_user(named[0]) if named and last not in MYSELF else by
    if holds(incident, role.slug, person):
        return True, f"{mention(person.external_id)} is already {escape(role.name)}."
    verbs.assign_role(incident, role, person, by=by)
    return True, Changed(f"{mention(person.external_id)} is now {escape(role.name)}.")


@action_handler(ids.ASSIGN_ROLES)
def open_roles_modal(context: ActionContext):
    incident = context.incident
    if incident is None:
        raise InvalidInput("I can't tell which incident this is about.")
    view = render_roles_modal(
        incident_id=incident.pk, title=incident.title, roles=roles_shown(incident)
    )
    problem = open_view(request_path_client(), trigger_id=context.trigger_id, view=view)
    if problem:
        tell(context.user_id, problem, channel_id=context.channel_id)


@modal_handler(ids.ROLES_MODAL)
def submit_roles(user_id: str, values: dict[str, Any], metadata: dict, payload: dict):
    """Only the roles changed in the form change: someone who gave a role while the form was
    open keeps it unless this form names someone else. All of it, or none of it."""
    incident_id = as_pk(metadata.get("incident_id"))
    incident = Incident.objects.filter(pk=incident_id).first() if incident_id else None
    shown = metadata.get("shown")
    if not isinstance(shown, dict):
        shown = {}
    if incident is None:
        return {next(iter(values), "x"): "This incident no longer exists."}
    wanted: dict[str, str | None] = {}
    for role in all_roles():
        block = role_block_id(role.slug)
        if block not in values:
            continue  # a role declared after the form was opened
        chosen = person_of(values, block)
        if chosen != shown.get(role.slug):
            wanted[role.slug] = chosen
    people = {p: slack_user(p) for p in wanted.values() if p}
    bots = {
        role_block_id(slug): f"{people[p].name} is a bot; a role needs a person."
        for slug, p in wanted.items()
        if p and people[p].is_bot
    }
    if bots:
        return bots
    by = slack_user(user_id)
    for slug, chosen in wanted.items():
        if chosen:
            verbs.assign_role(incident, slug, people[chosen], by=by)
        else:
            verbs.unassign_role(incident, slug, by=by)
    return None
