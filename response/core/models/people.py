from __future__ import annotations

from django.conf import settings
from django.db import models


class ExternalUser(models.Model):
    """A person (or bot) in the chat workspace, as the chat platform describes them."""

    app = models.CharField(max_length=32, default="slack")
    workspace_id = models.CharField(max_length=32, blank=True, default="")
    external_id = models.CharField(max_length=32, help_text="The chat platform's user id (U…/W…).")
    display_name = models.CharField(max_length=255, blank=True, default="")
    full_name = models.CharField(max_length=255, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    time_zone = models.CharField(max_length=64, blank=True, default="", help_text="IANA name.")
    is_bot = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_users",
    )
    profile_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["app", "workspace_id", "external_id"], name="unique_external_user"
            )
        ]
        ordering = ["display_name", "external_id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.full_name or self.external_id


class Participant(models.Model):
    """Someone involved in an incident: a member of its channel, or anyone who wrote there.

    Adapters keep this current (Slack: channel membership and message counts); the core uses it
    for "top participants" and for who may see a private incident.
    """

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(ExternalUser, on_delete=models.CASCADE, related_name="participations")
    is_member = models.BooleanField(default=True, help_text="Currently in the incident's channel.")
    message_count = models.PositiveIntegerField(default=0)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="unique_participant")
        ]
        ordering = ["-message_count", "id"]

    def __str__(self) -> str:
        return f"{self.user} in #{self.incident_id}"
