"""`/incident …` and `@Response <command>`: declaring, and the commands of an incident channel."""

from __future__ import annotations

import difflib
import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from response.core.errors import ResponseError
from response.core.models import Incident
from response.core.selectors import open_incidents
from response.slack.blocks.messages import render_help, render_open_incidents
from response.slack.blocks.text import escape
from response.slack.decorators import INCIDENT_COMMANDS, CommandSpec, command_help
from response.slack.inbound.context import (
    APOLOGY,
    from_slack,
    refusal,
    split_command,
)
from response.slack.inbound.modals import open_declare_modal, open_update_modal
from response.slack.inbound.times import open_key_times_modal, show_key_times
from response.slack.outbound.client import request_path_client
from response.slack.selectors import incident_data, incident_for_channel

logger = logging.getLogger(__name__)

ANYWHERE = {"help", "list", "declare"}
# How responders name a severity in one word: sev1, sev-1, SEV_1, p1.
SEVERITY_SHORTHAND = re.compile(r"^(?:sev|p)[-_]?(\d+)$")


@dataclass(frozen=True)
class CommandOutcome:
    known: bool
    handled: bool
    reply: str | None


def is_builtin(func) -> bool:
    return func.__module__ == "response.slack.inbound.builtin_commands"


def find_command(text: str) -> tuple[str, CommandSpec | None, str]:
    """The command named at the start of `text`, and what follows it; `sev1` and `p1` are the
    severity command."""
    name, rest = split_command(text)
    if (shorthand := SEVERITY_SHORTHAND.match(name)) and "severity" in INCIDENT_COMMANDS:
        return name, INCIDENT_COMMANDS.find("severity"), f"{shorthand.group(1)} {rest}".strip()
    return name, INCIDENT_COMMANDS.find(name), rest


def unknown_command(name: str, *, prefix: str = "") -> str:
    """The answer to a command nobody registered: what they probably meant, or the help."""
    if not name:
        return f"❓ What can I do for you? Try `{prefix}help` to see what I can do."
    known = [n for n, _ in INCIDENT_COMMANDS.items()] + ["help", "list"]
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.7)
    hint = f" Did you mean `{prefix}{guess[0]}`?" if guess else ""
    return (
        f"❓ I don't know how to help with `{escape(name)}`.{hint} "
        f"Try `{prefix}help` to see what I can do."
    )


def run_incident_command(incident: Incident, user_id: str, text: str) -> CommandOutcome:
    """Run `<command> <rest>` for the incident; a failure is an answer, never an exception."""
    name, spec, rest = find_command(text)
    if spec is None:
        return CommandOutcome(False, False, unknown_command(name))
    try:
        # A savepoint: a plugin's command that fails leaves nothing half-done behind it. (The
        # built-in ones change things through verbs only, each of which is a savepoint itself.)
        with transaction.atomic() if not is_builtin(spec.func) else nullcontext():
            handled, reply = spec.func(incident, user_id, rest)
    except ResponseError as error:
        return CommandOutcome(True, False, refusal(error))
    except Exception:
        logger.exception("Command %r failed (incident %s)", name, incident.pk)
        return CommandOutcome(True, False, APOLOGY)
    return CommandOutcome(True, bool(handled), reply)


def handle_slash_command(ack, command):
    text = command.get("text") or ""
    user_id = command["user_id"]
    channel_id = command.get("channel_id")
    name, spec, rest = find_command(text)
    incident = incident_for_channel(channel_id)

    if name == "help":
        return ack(text=render_help(command_help()), response_type="ephemeral")
    if name == "list":
        incidents = [
            incident_data(i, with_plugin_buttons=False)
            for i in open_incidents()
            .select_related("reporter", "comms_channel")
            .filter(is_private=False)[:30]
        ]
        return ack(
            text=render_open_incidents(incidents, site_url=settings.SITE_URL),
            response_type="ephemeral",
        )
    if incident is not None and name == "update" and spec is not None and not rest:
        # `/incident update` alone: the update form (status, text, when the next one is due).
        problem = open_update_modal(
            request_path_client(), trigger_id=command["trigger_id"], incident=incident
        )
        return ack(text=problem, response_type="ephemeral") if problem else ack()
    if incident is not None and spec is not None and spec.func is show_key_times:
        # The slash command carries a trigger: the modal itself, not a button to it.
        client = request_path_client()
        trigger_id = command["trigger_id"]
        if problem := open_key_times_modal(client, trigger_id=trigger_id, incident=incident):
            return ack(text=problem, response_type="ephemeral")
        return ack()
    if incident is not None and spec is not None:
        outcome = run_incident_command(incident, user_id, text)
        return ack(text=outcome.reply or "✅ Done.", response_type="ephemeral")
    if incident is not None and name not in ANYWHERE and name:
        return ack(text=unknown_command(name, prefix="/incident "), response_type="ephemeral")
    title = from_slack(rest if name == "declare" else text.strip())
    problem = open_declare_modal(
        request_path_client(),
        trigger_id=command["trigger_id"],
        title=title,
        channel_id=channel_id,
    )
    if problem:
        return ack(text=problem, response_type="ephemeral")
    return ack()
