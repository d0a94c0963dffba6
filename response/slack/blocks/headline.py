"""The headline post: the live summary of one incident in the incidents channel."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from response.slack.blocks import ids
from response.slack.blocks.channel_life import call_link
from response.slack.blocks.data import IncidentData
from response.slack.blocks.text import (
    HEADER_LIMIT,
    SECTION_TEXT_LIMIT,
    escape,
    mention,
    slack_date,
    truncate,
)
from response.slack.blocks.types import fields_context

STATUS_EMOJI = {
    "investigating": "🔍",
    "identified": "🎯",
    "monitoring": "👀",
    "resolved": "✅",
    "reported": "📝",
}
UNSET_SEVERITY_EMOJI = "☁️"


def incident_url(incident_id: int, *, site_url: str) -> str:
    return f"{site_url.rstrip('/')}/incidents/{incident_id}/"


def severity_text(data: IncidentData) -> str:
    """The severity, escaped (its name is typed by someone in the admin), for mrkdwn and text."""
    if data.severity is None:
        return severity_label(None, None)
    return severity_label(data.severity.emoji, data.severity.name)


def severity_label(emoji: str | None, name: str | None) -> str:
    """A severity's emoji and name (None: unset), escaped."""
    if name is None:
        return f"{UNSET_SEVERITY_EMOJI} Unset"
    return escape(f"{emoji or ''} {name}".strip())


def headline_text(data: IncidentData) -> str:
    """The notification text (and fallback for clients that cannot show blocks)."""
    return truncate(
        f"Incident #{data.id}: {escape(data.title)} ({data.status_label}, {severity_text(data)})",
        3000,
    )


def render_private_headline(incident_id: int) -> tuple[str, list[dict]]:
    """What the headline post of an incident made private says from then on: only that."""
    text = f"🔒 Incident #{incident_id} is private now."
    return text, [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{text} Only the people involved can see it, in its own channel."
            )
        ).to_dict()
    ]


def render_headline(data: IncidentData, *, site_url: str) -> list[dict]:
    url = incident_url(data.id, site_url=site_url)
    private = "🔒 " if data.is_private else ""
    blocks: list[Block] = [
        # plain_text: shown as typed, never parsed (escaping it would show "&lt;").
        HeaderBlock(text=truncate(f"{private}Incident #{data.id}: {data.title}", HEADER_LIMIT)),
    ]
    fields = [
        f"*Status*\n{STATUS_EMOJI.get(data.status, '')} {data.status_label}",
        f"*Severity*\n{severity_text(data)}",
        *([f"*Type*\n{escape(data.type_name)}"] if data.type_name else []),
        f"*Reporter*\n{mention(data.reporter_id, nobody='Unknown')}",
        f"*Lead*\n{mention(data.lead_id)}",
    ]
    if data.roles:
        held = "\n".join(f"{escape(r.name)}: {mention(r.holder_id)}" for r in data.roles)
        fields.append(truncate(f"*Roles*\n{held}", 2000))
    if data.services:
        fields.append(truncate(f"*Services*\n{escape(', '.join(data.services))}", 2000))
    if data.comms_channel_id:
        fields.append(f"*Channel*\n<#{data.comms_channel_id}>")
    if data.duration_text:
        fields.append(f"*Duration*\n{data.duration_text}")
    if data.call_url and data.is_open:
        fields.append(f"*Call*\n{call_link(data.call_url)}")
    blocks.append(SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields]))
    blocks += fields_context(data.fields)
    for label, text in (("Summary", data.summary), ("Impact", data.impact)):
        if text:
            body = truncate(escape(text), SECTION_TEXT_LIMIT - len(label) - 10)
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{label}*\n{body}")))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"<{url}|Incident page> · Reported {slack_date(data.reported_ts)}"
                )
            ]
        )
    )
    if data.is_open:
        buttons = [(order, button.to_dict()) for order, button in builtin_buttons(data)]
        buttons += list(data.extra_buttons)
        buttons.sort(key=lambda pair: pair[0])
        blocks.append(DividerBlock())
        blocks.append(
            ActionsBlock(block_id="headline-actions", elements=[b for _, b in buttons][:25])
        )
    return [block.to_dict() for block in blocks]


def builtin_buttons(data: IncidentData):
    value = str(data.id)
    if not data.comms_channel_id:
        yield (
            100,
            ButtonElement(
                text="💬 Create comms channel", action_id=ids.CREATE_COMMS_CHANNEL, value=value
            ),
        )
    yield 200, ButtonElement(text="✏️ Edit", action_id=ids.EDIT_INCIDENT, value=value)
    yield (
        300,
        ButtonElement(
            text="✅ Close",
            action_id=ids.CLOSE_INCIDENT,
            value=value,
            style="danger",
            confirm=ConfirmObject(
                title="Close this incident?",
                text=f"Incident #{data.id} will be marked resolved.",
                confirm="Close it",
                deny="Not yet",
            ),
        ),
    )
    # Follow it by DM without joining the channel (response.slack.inbound.subscriptions).
    yield 400, ButtonElement(text="🔔 Subscribe", action_id=ids.SUBSCRIBE, value=value)
