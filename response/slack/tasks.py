"""Huey tasks of the Slack adapter: housekeeping only (its work runs in response.engine)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from response.slack.models import InboundDelivery


@db_periodic_task(crontab(minute="23", hour="3"))
def prune_deliveries_task() -> int:
    """Forget delivered interactions after a week (Slack redelivers within minutes, not days)."""
    cutoff = timezone.now() - timedelta(days=7)
    deleted, _ = InboundDelivery.objects.filter(received_at__lt=cutoff).delete()
    return deleted
