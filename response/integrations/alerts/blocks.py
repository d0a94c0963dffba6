"""The triage post and its modals, as pure functions of frozen dataclasses (no ORM access)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from response.slack.blocks.headline import incident_url
from response.slack.blocks.text import (
    PLAIN_TEXT_LIMIT,
    SECTION_TEXT_LIMIT,
    escape,
    mention,
    truncate,
)

ACCEPT = "alerts-triage-accept"
DECLINE = "alerts-triage-decline"
MERGE = "alerts-triage-merge"
DECLINE_MODAL = "alerts-triage-decline-modal"
MERGE_MODAL = "alerts-triage-merge-modal"
REASON_BLOCK = "reason"
INTO_BLOCK = "into"
MAX_MERGE_CHOICES = 100  # Slack's limit of options in a static select

LINK_LABELS = {"source": "Source", "dashboard": "Dashboard", "panel": "Panel"}


@dataclass(frozen=True)
class TriagePostData:
    incident_id: int
    title: str
    status: str  # the incident's: "triage", "investigating" …, "declined"
    severity: str  # the alert's severity label
    summary: str
    source: str  # "Prometheus Alertmanager"
    links: tuple[tuple[str, str], ...]  # (kind, url)
    firing: bool
    times_received: int
    outcome: str = ""  # "accepted", "declined", "merged", "resolved" (auto-closed)
    decided_by: str | None = None  # Slack user id
    reason: str = ""
    merged_into: int | None = None


def render_triage_post(data: TriagePostData, *, site_url: str) -> tuple[str, list[dict]]:
    """The message in the triage channel: the alert, and Accept / Decline / Merge into… while it
    waits; then who decided what."""
    state = "🔥 Firing" if data.firing else "✅ Resolved"
    severity = f" · severity *{escape(data.severity)}*" if data.severity else ""
    text = f"🚨 Alert for triage (#{data.incident_id}): {escape(data.title)}"
    lines = [f"🚨 *{escape(data.title)}*", f"{state}{severity} · from {escape(data.source)}"]
    if data.summary:
        lines.append(escape(data.summary))
    links = [
        f"<{url}|{LINK_LABELS.get(kind, kind.title())}>"
        for kind, url in data.links
        if "|" not in url and ">" not in url  # a link that would break the mrkdwn is left out
    ]
    links.append(
        f"<{incident_url(data.incident_id, site_url=site_url)}|Incident #{data.incident_id}>"
    )
    lines.append(" · ".join(links))
    blocks: list[dict] = [
        SectionBlock(
            text=MarkdownTextObject(text=truncate("\n".join(lines), SECTION_TEXT_LIMIT))
        ).to_dict()
    ]
    if data.status == "triage":
        value = str(data.incident_id)
        blocks.append(
            ActionsBlock(
                block_id=f"alerts-triage-{data.incident_id}",
                elements=[
                    ButtonElement(text="Accept", action_id=ACCEPT, value=value, style="primary"),
                    ButtonElement(text="Decline…", action_id=DECLINE, value=value),
                    ButtonElement(text="Merge into…", action_id=MERGE, value=value),
                ],
            ).to_dict()
        )
    context = _outcome_text(data)
    if data.times_received > 1:
        context = f"{context} · received {data.times_received} times".lstrip(" ·")
    if context:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]).to_dict())
    return text, blocks


def _outcome_text(data: TriagePostData) -> str:
    who = f" by {mention(data.decided_by)}" if data.decided_by else ""
    if data.outcome == "accepted":
        return f"✅ Accepted{who}: incident #{data.incident_id} is declared"
    if data.outcome == "merged" and data.merged_into:
        return f"🔗 Merged into incident #{data.merged_into}{who}"
    if data.outcome == "declined":
        reason = f": {escape(data.reason)}" if data.reason else ""
        return f"🚫 Declined{who}{reason}"
    if data.status == "triage":
        return "Waiting for someone to accept, decline or merge it."
    return ""


def render_decline_modal(incident_id: int, title: str) -> dict:
    return View(
        type="modal",
        callback_id=DECLINE_MODAL,
        title="Decline the alert",
        submit="Decline",
        close="Cancel",
        private_metadata=json.dumps({"incident_id": incident_id}),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{escape(truncate(title, 200))}*")),
            InputBlock(
                block_id=REASON_BLOCK,
                label="Why is it not an incident?",
                element=PlainTextInputElement(action_id=REASON_BLOCK, multiline=True),
            ),
        ],
    ).to_dict()


@dataclass(frozen=True)
class MergeChoice:
    incident_id: int
    title: str


def render_merge_modal(incident_id: int, title: str, choices: list[MergeChoice]) -> dict:
    """The open incidents to merge the alert into (the most recent first); none: says so."""
    blocks: list = [SectionBlock(text=MarkdownTextObject(text=f"*{escape(truncate(title, 200))}*"))]
    if choices:
        blocks.append(
            InputBlock(
                block_id=INTO_BLOCK,
                label="Merge into",
                element=StaticSelectElement(
                    action_id=INTO_BLOCK,
                    placeholder="An open incident",
                    options=[
                        Option(
                            value=str(choice.incident_id),
                            text=truncate(
                                f"#{choice.incident_id} {choice.title}", PLAIN_TEXT_LIMIT
                            ),
                        )
                        for choice in choices[:MAX_MERGE_CHOICES]
                    ],
                ),
            )
        )
    else:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="No incident is open to merge it into."))
        )
    return View(
        type="modal",
        callback_id=MERGE_MODAL,
        title="Merge the alert",
        submit="Merge" if choices else None,
        close="Cancel",
        private_metadata=json.dumps({"incident_id": incident_id}),
        blocks=blocks,
    ).to_dict()
