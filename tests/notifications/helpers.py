"""Reading what the reminders said in fakeslack."""

from __future__ import annotations

from response.core.models import ExternalUser
from response.notifications.scheduler import run_due_notifications

NO_LEAD = "Who is leading this incident?"
NO_SEVERITY = "This incident has no severity yet."
UPDATE_DUE = "Time for a status update?"
LONG_RUNNING = "Can it be closed?"


def said(slack, channel_id: str, words: str) -> list[dict]:
    return [m for m in slack.messages(channel_id) if words in m.get("text", "")]


def dms_to(slack, user_name: str) -> list[dict]:
    """Messages the bot sent to the user in their DM with it."""
    user_id = slack.user_id(user_name)
    return [
        m
        for c in slack.channels()
        if c.get("is_im") and user_id in slack.members(c["id"])
        for m in slack.messages(c["id"])
    ]


def element_ids(message: dict) -> list[str]:
    return [
        element["action_id"]
        for block in message.get("blocks") or []
        for element in [*block.get("elements", []), block.get("accessory") or {}]
        if "action_id" in element
    ]


def settle(slack, worker) -> None:
    """Let every due reminder and every Slack job run, so that absences can be asserted."""
    run_due_notifications()
    assert worker.idle(timeout=10)
    slack.settle()


def wait_for_time_zone(slack, user_name: str) -> None:
    """The profile (with the user's Slack time zone) is fetched on the worker."""
    slack.wait_for(
        lambda: (
            ExternalUser.objects.filter(external_id=slack.user_id(user_name))
            .exclude(time_zone="")
            .exists()
        ),
        timeout=10,
    )
