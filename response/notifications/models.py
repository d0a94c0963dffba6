"""The schedule: one row per (incident, notification[, subject]), due at `next_due_at`.

The row says what is scheduled and how often it was sent; running it when it is due is the work
engine's (a `Reminder` job per scheduled row, response.notifications.scheduler).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScheduledNotification(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Done"  # sent as often as it may be
        CANCELLED = "cancelled", "Cancelled"  # the incident closed (or the action was done)

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.CASCADE, related_name="scheduled_notifications"
    )
    key = models.CharField(max_length=200, help_text="The notification: module.function.")
    # What the notification is about beyond the incident: "" or "action:<id>".
    subject = models.CharField(max_length=64, blank=True, default="")
    # When the clock runs (response.notifications.registry.Phase): while open, after resolution,
    # or from an action's due date.
    phase = models.CharField(max_length=16, default="open")
    state = models.CharField(max_length=16, choices=State, default=State.SCHEDULED)
    # The moment the schedule counts from (declaration, reopening, resolution, a due date).
    anchor_at = models.DateTimeField()
    next_due_at = models.DateTimeField()
    sent_count = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "key", "subject"], name="unique_scheduled_notification"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["scheduled", "done", "cancelled"]),
                name="scheduled_notification_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_due_at"],
                condition=models.Q(state="scheduled"),
                name="notification_due",
            ),
        ]

    def __str__(self) -> str:
        about = f" ({self.subject})" if self.subject else ""
        return f"{self.key} for #{self.incident_id}{about}"

    @property
    def action_id(self) -> int | None:
        prefix = "action:"
        return int(self.subject[len(prefix) :]) if self.subject.startswith(prefix) else None
