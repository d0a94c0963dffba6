"""The worker's side of reminders: a pass every minute, and precise wake-ups at due times."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from response.notifications import scheduler


@db_task()
def run_due_notifications_task() -> int:
    """A pass at a moment something was due (scheduled by `scheduler.wake_up_at`)."""
    return scheduler.run_due_notifications().sent


@db_periodic_task(crontab(minute="*"))
def notifications_tick_task() -> int:
    """The safety net: rows whose wake-up was lost, or whose worker died holding them."""
    return scheduler.run_due_notifications().sent
