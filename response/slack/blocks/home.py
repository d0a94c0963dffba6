"""The App Home tab: open incidents, and a button to declare one."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from response.slack.blocks import ids
from response.slack.blocks.data import IncidentData
from response.slack.blocks.headline import incident_url, severity_text
from response.slack.blocks.text import escape, human_duration, mention, truncate

MAX_LISTED = 40  # keeps the view well inside Slack's 100-block limit


def render_home(incidents: list[IncidentData], *, site_url: str, now_ts: int) -> dict:
    blocks = [
        HeaderBlock(text="⚡ Response"),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="🚨 Declare an incident", action_id=ids.DECLARE_FROM_HOME, style="danger"
                )
            ]
        ),
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=f"*Open incidents* ({len(incidents)})")),
    ]
    if not incidents:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="🎉 Nothing is on fire.")))
    for data in incidents[:MAX_LISTED]:
        age = human_duration_from(now_ts - data.reported_ts)
        channel = f" · <#{data.comms_channel_id}>" if data.comms_channel_id else ""
        url = incident_url(data.id, site_url=site_url)
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(
                        f"{severity_text(data)} *<{url}|#{data.id} {escape(data.title)}>*\n"
                        f"{data.status_label} · lead {mention(data.lead_id)} · open {age}"
                        f"{channel}",
                        3000,
                    )
                )
            )
        )
    return View(type="home", blocks=blocks).to_dict()


def human_duration_from(seconds: int) -> str:
    from datetime import timedelta

    return human_duration(timedelta(seconds=max(seconds, 0)))
