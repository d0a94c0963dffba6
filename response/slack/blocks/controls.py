"""Pieces several messages share: a section of text, the severity menu and the incident's
everyday buttons."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ButtonElement,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from response.slack.blocks import ids
from response.slack.blocks.data import SeverityChoice
from response.slack.blocks.text import SECTION_TEXT_LIMIT, truncate


def section(text: str) -> dict:
    """A section of mrkdwn text, cut to what Slack accepts."""
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT))).to_dict()


def severity_select(severities: list[SeverityChoice], *, current: str | None = None) -> dict:
    options = [
        Option(value=s.slug, text=truncate(f"{s.emoji} {s.name}".strip(), 75)) for s in severities
    ]
    initial = next((o for o in options if o.value == current), None)
    return StaticSelectElement(
        placeholder="Set the severity",
        action_id=ids.SET_SEVERITY_SELECT,
        options=options,
        initial_option=initial,
    ).to_dict()


def take_lead_button(incident_id: int, *, primary: bool = False) -> dict:
    return ButtonElement(
        text="I'll lead",
        action_id=ids.TAKE_LEAD,
        value=str(incident_id),
        style="primary" if primary else None,
    ).to_dict()


def post_update_button(incident_id: int, *, primary: bool = False) -> dict:
    return ButtonElement(
        text="Post an update",
        action_id=ids.POST_UPDATE,
        value=str(incident_id),
        style="primary" if primary else None,
    ).to_dict()


def resolve_button(incident_id: int, *, text: str = "Resolve") -> dict:
    return ButtonElement(text=text, action_id=ids.CLOSE_INCIDENT, value=str(incident_id)).to_dict()


def assign_roles_button(incident_id: int) -> dict:
    return ButtonElement(
        text="Assign roles", action_id=ids.ASSIGN_ROLES, value=str(incident_id)
    ).to_dict()
