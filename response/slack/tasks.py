"""Huey tasks of the Slack adapter. They carry only nudges ("lane X has work"); the work itself is
in the database (response.slack.jobs), so nothing is lost if a nudge is."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from response.slack import jobs


@db_task()
def run_lane_task(lane: str) -> int:
    return jobs.run_lane(lane)


@db_periodic_task(crontab(minute="*"))
def sweep_lanes_task() -> int:
    """Re-nudge lanes whose due work nobody is doing (lost nudge, killed worker)."""
    lanes = jobs.lanes_needing_work()
    for lane in lanes:
        run_lane_task(lane)
    return len(lanes)


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_old_jobs_task() -> int:
    """Forget finished Slack work after a week (Slack redelivers within minutes, not days)."""
    return jobs.prune_finished(older_than_days=7)
