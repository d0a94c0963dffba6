"""The reminders' Slack messages, as pure functions of plain values (no ORM access)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from response.slack.blocks.controls import (
    post_update_button,
    resolve_button,
    section,
    severity_select,
    take_lead_button,
)
from response.slack.blocks.data import SeverityChoice
from response.slack.blocks.text import escape, mention, truncate

Message = tuple[str, list[dict]]  # (fallback text, blocks)


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner_id: str | None
    due_date: date | None


def render_no_lead(incident_id: int) -> Message:
    text = "👑 Who is leading this incident? Nobody has taken the lead yet."
    button = take_lead_button(incident_id, primary=True)
    return text, [section(text), {"type": "actions", "elements": [button]}]


def render_no_severity(incident_id: int, severities: list[SeverityChoice]) -> Message:
    text = "🌡️ How bad is it? This incident has no severity yet."
    select = severity_select(severities)
    return text, [{**section(text), "accessory": select}]


def render_update_due(
    incident_id: int, *, lead_id: str | None, minutes_since: int, severity_name: str
) -> Message:
    who = f"{mention(lead_id)}, " if lead_id else ""
    kind = f"{escape(severity_name.lower())} " if severity_name else ""
    text = (
        f"📣 {who}it has been {minutes_since} minutes since the last update on this "
        f"{kind}incident. Time for a status update?"
    )
    button = post_update_button(incident_id, primary=True)
    return text, [section(text), {"type": "actions", "elements": [button]}]


def render_long_running(incident_id: int, *, lead_id: str | None, open_for: str) -> Message:
    who = f"{mention(lead_id)}, this" if lead_id else "This"
    text = f"⏳ {who} incident has been open for {open_for}. Can it be closed?"
    buttons = [resolve_button(incident_id, text="Resolve it"), post_update_button(incident_id)]
    return text, [section(text), {"type": "actions", "elements": buttons}]


def render_write_up(
    incident_id: int, *, title: str, url: str, open_actions: list[ActionLine]
) -> Message:
    text = (
        f"📝 Incident #{incident_id} ({escape(title)}) is resolved. Thank you for leading it!\n"
        f"When you can, write it up: <{url}|incident page>."
    )
    blocks = [section(text)]
    if open_actions:
        lines = "\n".join(_action_line(a) for a in open_actions[:20])
        more = f"\n…and {len(open_actions) - 20} more." if len(open_actions) > 20 else ""
        blocks.append(section(f"*Open follow-up actions*\n{lines}{more}"))
        text += f"\nOpen follow-up actions: {len(open_actions)}."
    return text, blocks


def _action_line(action: ActionLine) -> str:
    owner = f" — {mention(action.owner_id)}" if action.owner_id else " — no owner yet"
    due = f", due {action.due_date.isoformat()}" if action.due_date else ""
    return f"• {escape(truncate(action.text, 200))}{owner}{due}"


def render_overdue_action(
    incident_id: int, *, title: str, action_text: str, due_date: date, url: str
) -> Message:
    text = (
        f"⏰ A follow-up action you own was due on {due_date.isoformat()}: "
        f"“{escape(truncate(action_text, 500))}” (incident #{incident_id}, {escape(title)}). "
        f"Is it done? Mark it on the <{url}|incident page>."
    )
    return text, [section(text)]


def render_postmortem_due(
    incident_id: int, *, title: str, url: str, state: str, is_owner: bool, resolved_for: str
) -> Message:
    """To the post-mortem's owner (or, without one, the lead) while it is not done."""
    whose = "you own" if is_owner else "has no owner yet, and you led the incident; it"
    if state:
        said = f"The post-mortem {whose} is still *{escape(state.lower())}*"
    else:
        said = "Nobody has started the post-mortem yet"
    text = (
        f"🗒️ Incident #{incident_id} ({escape(title)}) was resolved {resolved_for} ago. "
        f"{said}: <{url}|write it up>, then mark it done."
    )
    return text, [section(text)]


def render_take_a_break() -> Message:
    text = "👋 30 minutes have elapsed. Think about taking a few minutes away from the screen."
    return text, [section(text)]
