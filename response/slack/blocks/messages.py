"""Messages Response posts: welcome, confirmation, updates, field display, lists, topic."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from response.slack.blocks import ids
from response.slack.blocks.controls import (
    assign_roles_button,
    post_update_button,
    resolve_button,
    section,
    severity_select,
    take_lead_button,
)
from response.slack.blocks.data import IncidentData, SeverityChoice
from response.slack.blocks.headline import incident_url, severity_text
from response.slack.blocks.text import escape, mention, truncate

TOPIC_LIMIT = 250


def topic_text(data: IncidentData, *, url: str) -> str:
    """The channel topic (Slack parses it like a message: mentions, links). Within Slack's
    limit: the lead always, the other roles held as long as the link still fits."""
    lead = f"Lead: {mention(data.lead_id)}" if data.lead_id else "No lead yet"
    head = f"{severity_text(data)} | {data.status_label} | {lead} | "
    for role in data.roles:
        held = f"{escape(role.name)}: {mention(role.holder_id)} | "
        if len(head + held + url) > TOPIC_LIMIT:
            break
        head += held
    return (
        truncate(head + url, TOPIC_LIMIT)
        if len(head + url) <= TOPIC_LIMIT
        else truncate(f"{head}{escape(data.title)}", TOPIC_LIMIT)
    )


def render_welcome(
    data: IncidentData, *, site_url: str, severities: list[SeverityChoice]
) -> tuple[str, list[dict]]:
    """Short: what the channel is, the four things people do first, and where the rest is."""
    url = incident_url(data.id, site_url=site_url)
    text = f"👋 This is the channel for incident #{data.id}: {escape(data.title)}"
    current = data.severity.slug if data.severity else None
    controls = [
        *([severity_select(severities, current=current)] if severities else []),
        take_lead_button(data.id),
        assign_roles_button(data.id),
        post_update_button(data.id),
        resolve_button(data.id),
    ]
    blocks = [
        section(
            f"👋 *Incident #{data.id}: {escape(data.title)}*\n<{url}|Incident page> · "
            "`@Response help` lists everything I can do here."
        ),
        {"type": "actions", "elements": controls},
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="📌 Pin a message (or react with :pushpin:) to add it to the timeline."
                )
            ]
        ).to_dict(),
    ]
    return text, blocks


def action_summary(text: str, *, owner_id: str | None, due_date: date | None) -> str:
    """ "Write the runbook — @bob, due Fri 4 Dec"."""
    details = [mention(owner_id)] if owner_id else []
    if due_date:
        details.append(f"due {due_date:%a} {due_date.day} {due_date:%b}")
    return escape(text) + (f" — {', '.join(details)}" if details else "")


def render_action_recorded(
    action_text: str,
    buttons: list[dict],
    *,
    owner_id: str | None = None,
    due_date: date | None = None,
) -> tuple[str, list[dict]]:
    """The answer to `@Response action …`, with the buttons plugins offer for the action."""
    said = action_summary(action_text, owner_id=owner_id, due_date=due_date)
    text = f"📝 Follow-up action recorded: {said}"
    if not buttons:
        return text, []
    return text, [section(text), ActionsBlock(elements=buttons).to_dict()]


def render_help(commands: list[tuple[str, str]]) -> str:
    lines = "\n".join(f"• `{names}` {escape(helptext)}" for names, helptext in commands)
    return (
        "*Incident commands* (in an incident's channel, as `@Response <command>` or "
        f"`/incident <command>`):\n{lines}\n\n"
        "*Anywhere:* `/incident <title>` declares an incident, `/incident list` shows open ones."
    )


def render_declaration_confirmation(
    data: IncidentData, *, headline_permalink: str | None, channel_id: str | None, site_url: str
) -> tuple[str, list[dict]]:
    where = []
    if headline_permalink:
        where.append(f"<{headline_permalink}|headline post>")
    if channel_id:
        where.append(f"<#{channel_id}>")
    where.append(f"<{incident_url(data.id, site_url=site_url)}|incident page>")
    text = f"✅ Incident #{data.id} declared: {escape(data.title)}"
    return text, [section(f"{text}\nFollow it here: {' · '.join(where)}")]


def render_field(data: IncidentData, field: str) -> tuple[str, list[dict]]:
    value = getattr(data, field)
    label = field.capitalize()
    shown = escape(value) if value else "_Not set yet._"
    text = f"{label} of incident #{data.id}: {escape(value) if value else 'not set yet'}"
    button = ButtonElement(
        text=f"Change the {field}",
        action_id=ids.CHANGE_SUMMARY if field == "summary" else ids.CHANGE_IMPACT,
        value=str(data.id),
    )
    return text, [section(f"*{label}*\n{shown}"), ActionsBlock(elements=[button]).to_dict()]


def render_open_incidents(incidents: list[IncidentData], *, site_url: str) -> str:
    if not incidents:
        return "🎉 No open incidents."
    lines = [
        f"• {severity_text(d)} <{incident_url(d.id, site_url=site_url)}|#{d.id} {escape(d.title)}>"
        f" — {d.status_label}, lead {mention(d.lead_id)}"
        + (f", <#{d.comms_channel_id}>" if d.comms_channel_id else "")
        for d in incidents
    ]
    return "*Open incidents*\n" + "\n".join(lines)


def render_status_update(data: IncidentData, *, author_id: str | None, text: str) -> str:
    by = f" from {mention(author_id)}" if author_id else ""
    return f"📣 *Update{by}* ({data.status_label}, {severity_text(data)})\n{escape(text)}"


def render_resolved(data: IncidentData, *, site_url: str, by: str = "") -> str:
    """`by`: " (by Dana, on the web)", already escaped, when it was resolved outside Slack."""
    url = incident_url(data.id, site_url=site_url)
    duration = f" after {data.duration_text}" if data.duration_text else ""
    return (
        f"✅ Incident #{data.id} is resolved{duration}{by}. "
        f"Write it up on the <{url}|incident page>."
    )
