"""What the tracker integration says in Slack: queued through the outbox, never sent from here."""

from __future__ import annotations

from response.slack.blocks.text import escape
from response.slack.inbound.context import tell
from response.slack.outbound import outbox
from response.slack.selectors import comms_channel_id


def exported_text(*, tracker: str, key: str, url: str, action_text: str) -> str:
    return (
        f"🔗 Follow-up action exported to {tracker} as <{url}|{escape(key)}>: {escape(action_text)}"
    )


def exporting_text(tracker: str) -> str:
    return f"⏳ Exporting this follow-up action to {tracker}: the link will be posted here."


def failed_text(*, tracker: str, reason: str) -> str:
    return (
        f"⚠️ {tracker} refused to create the issue for this follow-up action: {escape(reason)}. "
        "Nothing was exported; press the button again once it is fixed."
    )


def post_exported(incident_id: int, *, tracker: str, key: str, url: str, action_text: str) -> None:
    if comms_channel_id(incident_id) is None:
        return  # no channel (report-only, or Slack not used for it): the web page shows it
    outbox.post_to_incident_channel(
        incident_id, text=exported_text(tracker=tracker, key=key, url=url, action_text=action_text)
    )


def tell_export_failed(incident_id: int, *, user_id: str, tracker: str, reason: str) -> None:
    tell(
        user_id,
        failed_text(tracker=tracker, reason=reason),
        channel_id=comms_channel_id(incident_id),
    )
