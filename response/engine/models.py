"""The one table of work that happens later: Slack calls, delivered events, reminders, ...

A job is written before anyone is told about it (in the transaction of the change that needs
it), so a crash or a restart loses nothing. See response/engine/__init__.py for the rules.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Job(models.Model):
    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        DEAD = "dead"  # failed the same way too often, or can never succeed: parked for people
        CANCELLED = "cancelled"  # no longer wanted (a reminder of a resolved incident, discarded)

    kind = models.CharField(max_length=64)
    # Jobs of one lane run strictly one after the other, in id order.
    lane = models.CharField(max_length=128)
    # Pending jobs with the same key coalesce: ten edits of an incident cost one chat.update.
    key = models.CharField(max_length=200, null=True, blank=True)
    # A delivered event's own id (Slack's event_id), kept for good: a redelivery is recognised.
    delivery_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    payload = models.JSONField(default=dict)
    # response.engine.kinds.Priority: what people see first, then inbound work, then the rest.
    priority = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Times the job was started.")
    failures = models.PositiveIntegerField(
        default=0, help_text="Consecutive failures that were not a remote service being down."
    )
    not_before = models.DateTimeField(default=timezone.now)
    # A worker that took the job holds it until then; if it dies, another takes it over.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True, default="")
    # The remote service ("slack") a job waits for after a transient failure: when it answers
    # again, every job waiting for it is released at once instead of after its own backoff.
    waiting_on = models.CharField(max_length=32, blank=True, default="")
    last_error = models.TextField(blank=True, default="")
    # What the job did; for a job done in parts (an event's handlers), the parts already done.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state="pending", key__isnull=False),
                name="engine_unique_pending_key",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "done", "dead", "cancelled"]),
                name="engine_job_state_valid",
            ),
        ]
        indexes = [
            # The head of a lane, and the lanes with due work: pending jobs only.
            models.Index(
                fields=["lane", "id"],
                condition=models.Q(state="pending"),
                name="engine_pending_lane",
            ),
            models.Index(
                fields=["not_before"],
                condition=models.Q(state="pending"),
                name="engine_pending_due",
            ),
            # Finished jobs, for pruning and the list of dead ones (pending jobs have no done_at,
            # and leaving them out keeps SQLite from reading them all through this index).
            models.Index(
                fields=["state", "done_at"],
                condition=models.Q(done_at__isnull=False),
                name="engine_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} [{self.lane}] {self.state}"


class WorkerHeartbeat(models.Model):
    """A worker process saying it is alive (response.engine.heartbeat): one row per process,
    touched every few seconds, removed when it stops, pruned by the others when it died."""

    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "pid"], name="engine_one_heartbeat_a_process")
        ]

    def __str__(self) -> str:
        return f"worker {self.pid} on {self.host}"
