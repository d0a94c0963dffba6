from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone


class Action(models.Model):
    """A follow-up action: something to do because of the incident, usually after it."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    incident = models.ForeignKey("core.Incident", on_delete=models.PROTECT, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_actions",
    )
    created_by = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="created_actions",
    )
    due_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=16, choices=Priority, default=Priority.MEDIUM)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    external_url = models.URLField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__in=["high", "medium", "low"]),
                name="action_priority_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(done=True, done_at__isnull=False)
                | models.Q(done=False, done_at__isnull=True),
                name="action_done_has_done_at",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.done and self.due_date is not None and self.due_date < today
