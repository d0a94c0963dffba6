"""What Response keeps of the alerts it was sent. Imports only Django and the core, so the web UI
and the API may read it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana"
    GENERIC = "generic", "Generic JSON"


class AlertState(models.TextChoices):
    FIRING = "firing", "Firing"
    RESOLVED = "resolved", "Resolved"


class Alert(models.Model):
    """One alert (a source's fingerprint) and the incident it opened.

    The current row of a fingerprint is the one whose incident is still open or in triage; when
    that incident is closed (declined, merged, resolved), the row stops being current and the
    fingerprint firing again opens a new incident, with a new row (`generation` + 1). At most
    one current row per fingerprint: the database says so."""

    source = models.CharField(max_length=16, choices=Source)
    fingerprint = models.CharField(max_length=200)
    generation = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    incident = models.ForeignKey(
        "core.Incident", on_delete=models.PROTECT, related_name="alerts", null=True
    )
    state = models.CharField(max_length=16, choices=AlertState, default=AlertState.FIRING)
    name = models.CharField(max_length=255)
    severity = models.CharField(max_length=64, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    labels = models.JSONField(default=dict, blank=True)
    links = models.JSONField(default=dict, blank=True)  # {"source": url, "dashboard": url, ...}
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    times_received = models.PositiveIntegerField(default=1)
    first_received_at = models.DateTimeField(default=timezone.now)
    last_received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "fingerprint", "generation"], name="alert_generation_unique"
            ),
            models.UniqueConstraint(
                fields=["source", "fingerprint"],
                condition=models.Q(is_current=True),
                name="alert_one_current_per_fingerprint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.fingerprint} ({self.name})"


class TriagePost(models.Model):
    """The triage channel's message about a triage incident, edited as its outcome changes."""

    incident = models.OneToOneField(
        "core.Incident", on_delete=models.CASCADE, related_name="triage_post"
    )
    channel_id = models.CharField(max_length=32)
    message_ts = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"triage post of #{self.incident_id}"
