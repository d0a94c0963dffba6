"""Housekeeping of the delivery log (found by the worker's `autodiscover_modules("tasks")`)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from response.integrations.webhooks.operations import prune_delivered


@db_periodic_task(crontab(minute="29", hour="3"))
def prune_delivered_task() -> int:
    return prune_delivered()
