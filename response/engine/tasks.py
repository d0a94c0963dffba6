"""Huey carries the engine's wake-ups between processes, and its housekeeping. The work itself is
in the database (`response.engine.models.Job`), so a lost message costs only a sweep's delay."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from response.engine.kinds import Priority
from response.engine.local import local_engine
from response.engine.models import Job

logger = logging.getLogger(__name__)


@db_task()
def wake_lanes_task(lanes: list[tuple[str, int]]) -> None:
    """Lanes another process gave work to (`response web`, say): run them here."""
    engine = local_engine()
    if engine is None:  # a Huey consumer started without the engine: the work waits for one
        logger.warning("No work engine runs in this process; %s lanes wait", len(lanes))
        return
    for lane, priority in lanes:
        engine.wake(lane, Priority(priority))


@db_periodic_task(crontab(minute="17", hour="3"))
def prune_jobs_task() -> int:
    """Forget finished work after a week (Slack redelivers within minutes, not days). Dead jobs
    stay until someone retries or discards them."""
    cutoff = timezone.now() - timedelta(days=7)
    finished = Job.objects.filter(
        state__in=[Job.State.DONE, Job.State.CANCELLED], done_at__lt=cutoff
    )
    return finished.delete()[0]


@db_periodic_task(crontab(minute="41", hour="*/6"))
def optimize_database_task() -> None:
    """SQLite plans queries well only with fresh statistics (PostgreSQL's autovacuum keeps its
    own); `PRAGMA optimize` refreshes the ones that need it and is cheap when none do."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
