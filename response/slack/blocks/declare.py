"""Declaring from a message (the shortcut, the reaction's offer), and keeping others informed
(subscribers' DMs, announcements in other channels): pure renderers."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
)

from response.slack.blocks import ids
from response.slack.blocks.controls import section
from response.slack.blocks.data import IncidentData
from response.slack.blocks.headline import incident_url, severity_text
from response.slack.blocks.text import escape, mention, truncate

QUOTE_LIMIT = 2500  # of the quoted message, leaving room for the link around it
BUTTON_VALUE_LIMIT = 2000  # Slack's limit on a button's value


@dataclass(frozen=True)
class SourceMessage:
    """The message an incident is declared from: where it is, who said it, what it says."""

    channel_id: str
    ts: str
    permalink: str
    text: str
    author_id: str | None = None

    def as_metadata(self) -> dict:
        return {
            "channel_id": self.channel_id,
            "ts": self.ts,
            "permalink": self.permalink,
            "author_id": self.author_id,
        }


@dataclass(frozen=True)
class RecentIncident:
    id: int
    title: str
    severity: str  # already escaped (severity_text)
    status_label: str
    comms_channel_id: str | None
    reported_ts: int


def title_of(text: str) -> str:
    """A title from a message: its first line that says something."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line.lstrip("#*>•- ").strip()


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" for line in escape(truncate(text, QUOTE_LIMIT)).splitlines())


def render_source_quote(source: SourceMessage) -> tuple[str, list[dict]]:
    """The channel's first message: the message the incident was declared from, with a link."""
    who = f" by {mention(source.author_id)}" if source.author_id else ""
    link = f"<{source.permalink}|the original message>" if source.permalink else "a message"
    where = f" in <#{source.channel_id}>" if source.channel_id else ""
    head = f"🚨 Declared from {link}{where}{who}:"
    return f"🚨 Declared from a message{where}", [section(f"{head}\n{_quoted(source.text)}")]


def render_recent_incidents(recent: list[RecentIncident], *, site_url: str) -> list[dict]:
    """Shown at the top of the declare modal: the incidents declared in the last hour, so that a
    second report of the same problem is noticed before it becomes a second incident."""
    if not recent:
        return []
    lines = [
        f"• {r.severity} <{incident_url(r.id, site_url=site_url)}|#{r.id} {escape(r.title)}>"
        f" — {escape(r.status_label)}"
        + (f", <#{r.comms_channel_id}>" if r.comms_channel_id else "")
        + f", declared <!date^{r.reported_ts}^{{time}}|recently>"
        for r in recent
    ]
    return [
        section("⚠️ *Declared in the last hour.* Is it one of these?\n" + "\n".join(lines)),
        {"type": "divider"},
    ]


def declare_offer_value(source: SourceMessage) -> str:
    """What the offer's button carries: enough to pre-fill the modal when clicked, as a click
    must not ask Slack for the message again (the one call allowed in a request is views.open)."""
    value = {**source.as_metadata(), "text": source.text}
    encoded = json.dumps(value)
    while len(encoded) > BUTTON_VALUE_LIMIT:
        value["text"] = value["text"][
            : len(value["text"]) - (len(encoded) - BUTTON_VALUE_LIMIT) - 1
        ]
        encoded = json.dumps(value)
    return encoded


def render_declare_offer(source: SourceMessage) -> tuple[str, list[dict]]:
    """The answer to the declare reaction, seen only by whoever reacted."""
    text = "🚨 Declare an incident from this message?"
    title = escape(truncate(title_of(source.text), 150))
    return text, [
        section(f"{text}\n> {title}" if title else text),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="🚨 Declare incident",
                    action_id=ids.DECLARE_FROM_MESSAGE,
                    value=declare_offer_value(source),
                    style="danger",
                )
            ]
        ).to_dict(),
    ]


def _unsubscribe(incident_id: int) -> dict:
    return ActionsBlock(
        elements=[
            ButtonElement(text="🔕 Unsubscribe", action_id=ids.UNSUBSCRIBE, value=str(incident_id))
        ]
    ).to_dict()


def _incident_link(data: IncidentData, site_url: str) -> str:
    url = incident_url(data.id, site_url=site_url)
    return f"<{url}|Incident #{data.id}: {escape(data.title)}>"


def render_subscriber_update(
    data: IncidentData, *, author_id: str | None, text: str, site_url: str
) -> tuple[str, list[dict]]:
    by = f" from {mention(author_id)}" if author_id else ""
    head = f"📣 *Update{by}* on {_incident_link(data, site_url)}"
    state = f"({data.status_label}, {severity_text(data)})"
    summary = f"📣 Update on incident #{data.id}: {escape(data.title)}"
    return summary, [section(f"{head} {state}\n{escape(text)}"), _unsubscribe(data.id)]


def render_subscriber_resolved(data: IncidentData, *, site_url: str) -> tuple[str, list[dict]]:
    duration = f" after {data.duration_text}" if data.duration_text else ""
    text = f"✅ Incident #{data.id} is resolved{duration}: {escape(data.title)}"
    return text, [
        section(f"✅ {_incident_link(data, site_url)} is resolved{duration}."),
        ContextBlock(
            elements=[MarkdownTextObject(text="You subscribed to it; nothing more will come.")]
        ).to_dict(),
    ]


def render_announcement(
    data: IncidentData, *, headline_permalink: str | None, site_url: str
) -> tuple[str, list[dict]]:
    """A short post in a channel named by the announcement rules; updates follow in its thread."""
    text = f"🚨 {severity_text(data)} incident #{data.id}: {escape(data.title)}"
    where = [f"<{incident_url(data.id, site_url=site_url)}|incident page>"]
    if headline_permalink:
        where.insert(0, f"<{headline_permalink}|headline post>")
    if data.comms_channel_id:
        where.append(f"<#{data.comms_channel_id}>")
    return text, [
        section(f"*{text}*\n{data.status_label} · Follow it: {' · '.join(where)}"),
        ContextBlock(
            elements=[MarkdownTextObject(text="Status updates follow in this thread.")]
        ).to_dict(),
    ]
