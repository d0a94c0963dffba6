"""What Response keeps of the status page. Imports only Django (and the pure statuses), so the web
UI and the API may read it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from response.integrations.statuspage.statuses import (
    PUBLIC_STATUS_CHOICES,
    ComponentState,
    PublicStatus,
)


class Component(models.Model):
    """A component of the status page as Statuspage last listed it (refreshed by a job, so the
    modal opens from here within Slack's three seconds, even while Statuspage is down)."""

    component_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=32, default=ComponentState.OPERATIONAL.value)
    position = models.IntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PublicIncident(models.Model):
    """The Statuspage incident that tells the public about one of ours."""

    incident = models.OneToOneField(
        "core.Incident", on_delete=models.PROTECT, related_name="public_incident"
    )
    statuspage_id = models.CharField(max_length=64, unique=True)
    shortlink = models.URLField(max_length=500, blank=True, default="")
    status = models.CharField(max_length=16, choices=PUBLIC_STATUS_CHOICES)
    last_published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in PublicStatus]),
                name="statuspage_public_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.statuspage_id} for #{self.incident_id}"


class Publication(models.Model):
    """One publication someone asked for (a modal submitted, a button pressed): done once, in
    order per incident, by a `statuspage.publish` job."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PUBLISHED = "published", "Published"
        REFUSED = "refused", "Refused by Statuspage"

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.PROTECT, related_name="statuspage_publications"
    )
    # What asked for it ("slack-view:<view id>", "resolve-button:<incident>"): unique, so a
    # double submit or a redelivered press publishes once.
    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=PUBLIC_STATUS_CHOICES)
    body = models.TextField(blank=True, default="")
    components = models.JSONField(default=dict, blank=True)  # {component id: ComponentState}
    requested_by = models.ForeignKey(
        "core.ExternalUser", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    error = models.TextField(blank=True, default="")  # Statuspage's words when it refused
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in PublicStatus]),
                name="statuspage_publication_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "published", "refused"]),
                name="statuspage_publication_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.status} for #{self.incident_id} ({self.state})"
