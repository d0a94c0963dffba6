"""The commands of an incident channel, written with the same building block as any plugin."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from response.core import verbs
from response.core.models import Action, ExternalUser, Incident
from response.slack.blocks.messages import action_summary, render_field, render_help
from response.slack.blocks.text import escape, human_duration, mention
from response.slack.decorators import command_help, incident_command
from response.slack.inbound.context import Changed, from_slack, mentioned_users
from response.slack.inbound.followups import parse_action
from response.slack.models import CommsChannel
from response.slack.outbound.naming import clean_channel_name
from response.slack.outbound.outbox import (
    post_ephemeral,
    rename_incident_channel,
)
from response.slack.people import slack_user
from response.slack.selectors import incident_data


def _channel_id(incident: Incident) -> str | None:
    channel = CommsChannel.objects.filter(incident=incident).first()
    return channel.channel_id if channel else None


@incident_command(["help"], helptext="List the commands I understand.")
def show_help(incident: Incident, user_id: str, message: str):
    return True, render_help(command_help())


@incident_command(["lead"], helptext="`lead [@person]` Set the lead (you, if nobody is named).")
def set_lead(incident: Incident, user_id: str, message: str):
    named = mentioned_users(message)
    lead = slack_user(named[0] if named else user_id)
    if incident.lead_id == lead.pk:
        return True, f"{mention(lead.external_id)} is already the lead."
    verbs.set_lead(incident, lead, by=slack_user(user_id))
    return True, Changed(f"{mention(lead.external_id)} is now the lead.")


@incident_command(
    ["severity", "sev"],
    helptext="`severity <critical|major|minor|trivial|1-4>` Set the severity.",
)
def set_severity(incident: Incident, user_id: str, message: str):
    choice = message.strip().split()[0] if message.strip() else ""
    if not choice:
        return False, "Which severity? For example `severity critical` or `sev 2`."
    before = incident.severity_id
    verbs.set_severity(incident, choice, by=slack_user(user_id))
    name = escape(incident.severity.name if incident.severity else "unset")
    if incident.severity_id == before:
        return True, f"The severity is already {name}."
    return True, Changed(f"The severity is now {name}.")


@incident_command(
    ["status"],
    helptext="`status <investigating|identified|monitoring|resolved>` Move the incident along.",
)
def set_status(incident: Incident, user_id: str, message: str):
    choice = message.strip().split()[0] if message.strip() else ""
    if not choice:
        return (
            False,
            f"The incident is {incident.get_status_display().lower()}. "
            "Say `status <new status>` to change it.",
        )
    verbs.set_status(incident, choice, by=slack_user(user_id))  # "already …" is refused
    return True, Changed(f"The incident is now {incident.get_status_display().lower()}.")


def _field_command(field: str):
    def command(incident: Incident, user_id: str, message: str):
        if message.strip():
            change: dict[str, Any] = {field: from_slack(message)}
            verbs.update_incident(incident, **change, by=slack_user(user_id))
            return True, Changed(f"The {field} is updated.")
        channel_id = _channel_id(incident)
        text, blocks = render_field(incident_data(incident, with_plugin_buttons=False), field)
        if channel_id:
            post_ephemeral(channel_id, user_id, text=text, blocks=blocks)
            return True, None
        return True, text

    command.__name__ = command.__qualname__ = f"{field}_command"
    return command


incident_command(["summary"], helptext="`summary [text]` Set the summary, or show it.")(
    _field_command("summary")
)
incident_command(["impact"], helptext="`impact [text]` Set the impact, or show it.")(
    _field_command("impact")
)


@incident_command(
    ["update"],
    helptext="`update <text>` Post a status update here, in the headline thread, on the timeline.",
)
def post_update(incident: Incident, user_id: str, message: str):
    if not message.strip():  # `/incident update` alone opens the form (inbound/commands.py)
        return False, (
            "Write the update after the word: `update <text>`. `/incident update` alone opens "
            "a form that also sets when the next update is due."
        )
    verbs.post_status_update(incident, from_slack(message), by=slack_user(user_id))
    return True, Changed("Your update is posted: here, in the headline's thread, on the timeline.")


@incident_command(["rename"], helptext="`rename <name>` Rename this channel.")
def rename(incident: Incident, user_id: str, message: str):
    name = clean_channel_name(from_slack(message))
    if not name:
        return False, "Give the channel a name: lowercase letters, digits, hyphens, underscores."
    rename_incident_channel(incident.pk, name, requested_by=user_id)
    return True, None


@incident_command(["duration"], helptext="How long has this incident been running?")
def duration(incident: Incident, user_id: str, message: str):
    state = "ran for" if incident.is_closed() else "has been running for"
    text = f"⏱ The incident {state} {human_duration(incident.duration())}."
    channel = CommsChannel.objects.filter(incident=incident).first()
    if channel is not None:
        channel.post_in_channel(text)
        return True, None
    return True, text


@incident_command(
    ["action"],
    helptext="`action [@owner] [by friday] <text>` Record a follow-up action.",
)
def add_action(incident: Incident, user_id: str, message: str):
    author = slack_user(user_id)
    said = parse_action(message, today=today_for(author))
    if not said.text:
        return False, "What is the action? For example `action @bob by friday Write the runbook`."
    owner = slack_user(said.owner_id) if said.owner_id else None
    action = verbs.add_action(
        incident, from_slack(said.text), owner=owner, due_date=said.due_date, by=author
    )
    # Typed in the channel: the ✅, and the channel's "📝 Follow-up action recorded", say it.
    return True, Changed(f"Follow-up action recorded: {action_line(action)}")


@incident_command(["actions"], helptext="List this incident's open follow-up actions.")
def list_actions(incident: Incident, user_id: str, message: str):
    actions = list(incident.actions.filter(done=False).select_related("owner").order_by("id"))
    if not actions:
        return True, "No open follow-up actions. Add one with `action <text>`."
    lines = "\n".join(f"• {action_line(a)}" for a in actions[:30])
    more = f"\n…and {len(actions) - 30} more on the incident page." if len(actions) > 30 else ""
    return True, f"*Open follow-up actions ({len(actions)})*\n{lines}{more}"


def action_line(action: Action) -> str:
    owner = action.owner.external_id if action.owner else None
    return action_summary(action.text, owner_id=owner, due_date=action.due_date)


def today_for(person: ExternalUser) -> date:
    """Today where the person is ("by friday" means their Friday)."""
    try:
        zone = ZoneInfo(person.time_zone) if person.time_zone else None
    except (ValueError, ZoneInfoNotFoundError):
        zone = None
    return timezone.localdate(timezone=zone) if zone else timezone.localdate()


@incident_command(["close", "resolve"], helptext="Resolve the incident.")
def close(incident: Incident, user_id: str, message: str):
    verbs.resolve_incident(incident, by=slack_user(user_id))
    return True, Changed("The incident is resolved.")


@incident_command(["reopen"], helptext="Reopen a resolved incident.")
def reopen(incident: Incident, user_id: str, message: str):
    verbs.reopen_incident(incident, by=slack_user(user_id))
    return True, Changed("The incident is open again.")
