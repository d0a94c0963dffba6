"""What Response knows of PagerDuty: its services (and who is on call for each), the pages made
from incidents, and the webhooks received. Imports only Django and the core, so the web UI and
the API may read it."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone


class Service(models.Model):
    """A PagerDuty service as last fetched: the modal opens from these rows at once (PagerDuty
    is never called within Slack's three seconds), and a job refreshes them."""

    pagerduty_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    # Who is on call now at the first level of the service's escalation policy, by name.
    on_call = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Page(models.Model):
    """A page of one service for one incident: paging it again while it is live (a double
    press, a double submit) finds this row instead of paging twice."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"  # the job is on its way to PagerDuty
        TRIGGERED = "triggered", "Triggered"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"
        FAILED = "failed", "Failed"  # PagerDuty refused it (see `error`)

    class Urgency(models.TextChoices):
        HIGH = "high", "High"
        LOW = "low", "Low"

    OPEN_STATUSES = (Status.TRIGGERED, Status.ACKNOWLEDGED)
    LIVE_STATUSES = (Status.REQUESTED, *OPEN_STATUSES)

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.PROTECT, related_name="pagerduty_pages"
    )
    service_id = models.CharField(max_length=64)
    service_name = models.CharField(max_length=255)
    urgency = models.CharField(max_length=8, choices=Urgency, default=Urgency.HIGH)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        "core.ExternalUser", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The Slack user and channel where the page was asked for: a refusal is said there.
    requested_by_slack_id = models.CharField(max_length=32, blank=True)
    requested_in = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.REQUESTED)
    pagerduty_incident_id = models.CharField(max_length=64, blank=True, db_index=True)
    html_url = models.URLField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One live page per incident and service; once resolved or refused, the service
            # may be paged again.
            models.UniqueConstraint(
                fields=["incident", "service_id"],
                condition=models.Q(status__in=["requested", "triggered", "acknowledged"]),
                name="pagerduty_one_live_page_per_service",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["requested", "triggered", "acknowledged", "resolved", "failed"]
                ),
                name="pagerduty_page_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=["high", "low"]),
                name="pagerduty_page_urgency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_name} for incident {self.incident_id}"

    @property
    def incident_key(self) -> str:
        """PagerDuty's de-duplication key: while its incident is open, PagerDuty refuses a second
        incident with this key on the service, so a retried or repeated page is never a second.
        It names this installation too: staging's incident 12 is not production's."""
        return f"{incident_key_prefix()}{self.incident_id}/{self.service_id}/{self.pk}"

    @property
    def awaits_pagerduty(self) -> bool:
        """Whether its PagerDuty incident is still to be made (or its answer to be heard: a
        webhook about it, found by its key, may come first)."""
        return not self.pagerduty_incident_id and self.status != self.Status.FAILED

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def incident_key_prefix() -> str:
    """`response/<this installation's host>/`: what our pages' incident keys start with (then
    `<incident id>/<service id>/<page id>`)."""
    return f"response/{urlsplit(settings.SITE_URL).netloc}/"


def page_key(incident_key: str) -> int | None:
    """The page id in one of our pages' incident keys; None for another's."""
    prefix = incident_key_prefix()
    parts = incident_key.removeprefix(prefix).split("/")
    if not incident_key.startswith(prefix) or len(parts) != 3 or not parts[2].isdigit():
        return None
    return int(parts[2])


class WebhookDelivery(models.Model):
    """A webhook event received, by PagerDuty's event id: a redelivery is acknowledged and
    dropped."""

    event_id = models.CharField(max_length=100, unique=True)
    event_type = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
