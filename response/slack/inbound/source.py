"""The message an incident is declared from: what it says (a bot's alert says it in blocks or
attachments), the incidents declared lately (shown before declaring again), and its place on the
new incident's timeline."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from response.core import verbs
from response.core.models import Incident, Status, TimelineEvent
from response.slack.blocks.declare import RecentIncident, SourceMessage
from response.slack.blocks.headline import severity_label
from response.slack.directory import message_url
from response.slack.inbound.context import from_slack
from response.slack.inbound.timeline import source_of, ts_to_datetime
from response.slack.people import slack_user_or_none

RECENT_WINDOW = timedelta(hours=1)
RECENT_SHOWN = 5
# How much of the message travels in the modal's private metadata (3000 characters at most,
# with the rest of it, JSON-escaped): the summary field holds it whole.
METADATA_TEXT_LIMIT = 1200

# --- Reading a message ----------------------------------------------------------------------------


def _block_texts(blocks: list) -> list[str]:
    """The words of a message's blocks: section texts and fields, headers, rich text."""
    texts: list[str] = []
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        for part in [block.get("text"), *(block.get("fields") or [])]:
            if isinstance(part, dict) and part.get("text"):
                texts.append(str(part["text"]))
        if block.get("type") == "rich_text":
            texts.append(_rich_text(block.get("elements") or []))
        if block.get("type") == "context":
            texts += [str(e["text"]) for e in block.get("elements") or [] if e.get("text")]
    return [t for t in texts if t.strip()]


def _rich_text(elements: list) -> str:
    out: list[str] = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        if element.get("type") in {"text", "link"}:
            out.append(str(element.get("text") or element.get("url") or ""))
        elif element.get("type") == "user":
            out.append(f"<@{element.get('user_id', '')}>")
        elif element.get("type") == "channel":
            out.append(f"<#{element.get('channel_id', '')}>")
        elif element.get("type") == "emoji":
            out.append(f":{element.get('name', '')}:")
        elif "elements" in element:
            out.append(_rich_text(element["elements"]))
            if element.get("type") in {"rich_text_section", "rich_text_preformatted"}:
                out.append("\n")
    return "".join(out).strip()


def _attachment_texts(attachments: list) -> list[str]:
    texts: list[str] = []
    for attachment in attachments or []:
        if not isinstance(attachment, dict):
            continue
        for key in ("pretext", "title", "text"):
            if attachment.get(key):
                texts.append(str(attachment[key]))
        for item in attachment.get("fields") or []:
            if isinstance(item, dict) and (item.get("title") or item.get("value")):
                texts.append(f"{item.get('title', '')}: {item.get('value', '')}".strip(": "))
        said = any(attachment.get(k) for k in ("pretext", "title", "text", "fields"))
        if not said and attachment.get("fallback"):  # the fallback only when nothing else
            texts.append(str(attachment["fallback"]))
        texts += _block_texts(attachment.get("blocks") or [])
    return texts


def message_plain_text(message: dict) -> str:
    """What a message says, as people read it. A bot's alert often has no `text` of its own (or
    only a notification fallback) and says everything in blocks or attachments: then theirs."""
    text = (message.get("text") or "").strip()
    blocks = _block_texts(message.get("blocks") or [])
    attached = _attachment_texts(message.get("attachments") or [])
    # A bot's blocks say more than its fallback text; a person's repeat their text.
    if blocks and (not text or message.get("bot_id") or not message.get("user")):
        text = "\n".join(blocks)
    if attached:
        text = "\n".join([text, *attached]) if text else "\n".join(attached)
    return from_slack(text.strip())


def source_message(channel_id: str, message: dict) -> SourceMessage:
    ts = str(message.get("ts") or "")
    return SourceMessage(
        channel_id=channel_id,
        ts=ts,
        permalink=message.get("permalink") or (message_url(channel_id, ts) if ts else ""),
        text=message_plain_text(message),
        author_id=message.get("user") or None,
    )


# --- Before and after declaring -----------------------------------------------------------------


def recent_incidents() -> list[RecentIncident]:
    """Incidents declared in the last hour that anyone may see: one query (the incident_recent
    index) of only what the modal shows of them. It runs before every declare modal opens,
    while Slack waits: reading whole incidents and their relations cost 2 ms of compiling SQL."""
    since = timezone.now() - RECENT_WINDOW
    rows = (
        Incident.objects.filter(reported_at__gte=since, is_private=False)
        .order_by("-reported_at", "-id")
        .values_list(
            "id",
            "title",
            "status",
            "reported_at",
            "severity__emoji",
            "severity__name",
            "comms_channel__channel_id",
        )[:RECENT_SHOWN]
    )
    return [
        RecentIncident(
            id=pk,
            title=title,
            severity=severity_label(emoji, name),
            status_label=Status(status).label,
            comms_channel_id=channel_id,
            reported_ts=int(reported_at.timestamp()),
        )
        for pk, title, status, reported_at, emoji, name, channel_id in rows
    ]


def source_metadata(source: SourceMessage) -> dict:
    """The message, for the modal's private metadata: its text cut so that, JSON-encoded (where
    an emoji takes 12 characters), it keeps within METADATA_TEXT_LIMIT."""
    text = source.text[:METADATA_TEXT_LIMIT]
    while len(json.dumps(text)) > METADATA_TEXT_LIMIT:
        text = text[: len(text) * 3 // 4]
    return {**source.as_metadata(), "text": text}


def remember_source(incident: Incident, metadata: dict, *, by) -> None:
    """The message an incident was declared from goes on its timeline (stamped with its own time
    and author), marked so that the channel's first message can quote it. In the declaring
    transaction; a double submit finds the entry there already (its source is unique)."""
    source = metadata.get("source")
    if not isinstance(source, dict) or not source.get("channel_id") or not source.get("ts"):
        return
    channel_id, ts = str(source["channel_id"]), str(source["ts"])
    try:
        timestamp = ts_to_datetime(ts)
    except ValueError:
        return
    verbs.add_timeline_event(
        incident,
        str(source.get("text") or "").strip() or "(no text)",
        kind=TimelineEvent.Kind.MESSAGE,
        timestamp=min(timestamp, timezone.now()),
        author=slack_user_or_none(source.get("author_id") or None),
        source=source_of(channel_id, ts),
        url=str(source.get("permalink") or "")[:500],
        metadata={"declared_from": True, "channel_id": channel_id, "ts": ts},
        by=by,
    )
