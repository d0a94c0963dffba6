"""Reading what the reminders said in fakeslack."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

import time_machine
from django.utils import timezone

from response.core.models import ExternalUser
from response.engine import runner
from response.engine.models import Job

NO_LEAD = "Who is leading this incident?"
NO_SEVERITY = "This incident has no severity yet."
UPDATE_DUE = "Time for a status update?"
LONG_RUNNING = "Can it be closed?"


@dataclass
class PassResult:
    due: int = 0  # reminder jobs that were due
    sent: int = 0
    declined: int = 0
    cancelled: int = 0
    failed: int = 0
    dead: int = 0


OUTCOMES = {"sent": "sent", "declined": "declined", "cancelled": "cancelled", "gone": "cancelled"}


def run_due_notifications(*, now: datetime | None = None) -> PassResult:
    """What the worker does when the clock reaches `now`: run the reminder jobs that are due,
    through the engine, here and now. Returns what happened to them."""
    with time_machine.travel(now, tick=False) if now else nullcontext():
        due = {
            job.pk: job.failures
            for job in Job.objects.filter(
                kind="reminder", state=Job.State.PENDING, not_before__lte=timezone.now()
            )
        }
        result = PassResult(due=len(due))
        for lane in {lane for lane in runner.lanes_due() if lane.startswith("reminder:")}:
            while runner.run_slice(lane, seconds=60).more:
                pass
        for job in Job.objects.filter(pk__in=due):
            if job.state == Job.State.DONE:
                outcome = OUTCOMES.get(job.result.get("outcome"))
                if outcome:
                    setattr(result, outcome, getattr(result, outcome) + 1)
            elif job.state == Job.State.DEAD:
                result.dead += 1
            elif job.failures > due[job.pk]:
                result.failed += 1
    return result


def reminder_job(row) -> Job:
    """The engine's pending job for a scheduled row (or the latest one)."""
    return (
        Job.objects.filter(kind="reminder", payload__notification_id=row.pk).order_by("-id").first()
    )


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
