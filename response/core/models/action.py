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

    class Tracker(models.TextChoices):
        """Where a follow-up action can be exported (settings.TRACKERS says which are set up)."""

        JIRA = "jira", "Jira"
        GITHUB = "github", "GitHub"

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
    # Exported to an issue tracker: `tracker` is set when the export is asked for; the issue's
    # key ("OPS-12", "owner/repo#7") and address once it exists there. A refusal is kept in
    # `tracker_error` (and the export may be asked for again).
    tracker = models.CharField(max_length=16, choices=Tracker, blank=True, default="")
    tracker_key = models.CharField(max_length=200, blank=True, default="")
    tracker_url = models.URLField(max_length=500, blank=True, default="")
    tracker_error = models.TextField(blank=True, default="")
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
            models.CheckConstraint(
                condition=models.Q(tracker__in=["", "jira", "github"]),
                name="action_tracker_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(tracker_key="") | ~models.Q(tracker=""),
                name="action_tracker_key_has_tracker",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_exported(self) -> bool:
        return bool(self.tracker_key)

    @property
    def is_being_exported(self) -> bool:
        return bool(self.tracker) and not self.tracker_key

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.done and self.due_date is not None and self.due_date < today
