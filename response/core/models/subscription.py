from __future__ import annotations

from django.db import models
from django.utils import timezone


class Subscription(models.Model):
    """Someone who follows an incident without joining its channel: its status updates and its
    resolution reach them directly."""

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.CASCADE, related_name="subscriptions"
    )
    person = models.ForeignKey(
        "core.ExternalUser", on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="unique_subscription"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} follows incident #{self.incident_id}"
