"""Huey carries the engine's wake-ups between processes, and its housekeeping. The work itself is
in the database (`response.engine.models.Job`), so a lost message costs only a sweep's delay."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from response.engine import runner
from response.engine.kinds import Priority


@db_task()
def wake_lanes_task(lanes: list[tuple[str, int]]) -> None:
    """Lanes another process gave work to (`response web`, say): run them here."""
    from response.engine.pool import local_engine

    engine = local_engine()
    if engine is None:
        # A consumer without the engine (it should not happen): do the work in this thread.
        for lane, _ in lanes:
            while runner.run_slice(lane, seconds=60).more:
                pass
        return
    for lane, priority in lanes:
        engine.wake(lane, Priority(priority))


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_jobs_task() -> int:
    """Forget finished work after a week (Slack redelivers within minutes, not days). Dead jobs
    stay until someone retries or discards them."""
    return runner.prune(older_than=timedelta(days=7))


@db_periodic_task(crontab(minute="41", hour="*/6"))
def optimize_database_task() -> None:
    """SQLite plans queries well only with fresh statistics (PostgreSQL's autovacuum keeps its
    own); `PRAGMA optimize` refreshes the ones that need it and is cheap when none do."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
