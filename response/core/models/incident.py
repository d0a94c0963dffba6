from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

TITLE_MAX_LENGTH = 255


class Severity(models.Model):
    """A severity level. Data, not code: a team renames, re-ranks or adds its own in the admin."""

    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the most severe.")
    emoji = models.CharField(max_length=32, blank=True, default="")
    description = models.TextField(blank=True, default="")
    # How often the lead should post a status update at this severity; empty means never asked.
    update_cadence_mins = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rank"]
        verbose_name_plural = "severities"

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    # An alert's incident waiting for a person to accept it (then it is investigating) or to
    # decline it (or merge it into another): not an incident yet, so not in the figures.
    TRIAGE = "triage", "Triage"
    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"
    REPORTED = "reported", "Reported"  # report-only: declared after the fact, never live
    DECLINED = "declined", "Declined"  # a triage incident nobody took on: declined or merged


OPEN_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)
CLOSED_STATUSES = (Status.RESOLVED, Status.REPORTED)
# Triage incidents, waiting or declined, count apart from real incidents (lists, figures).
TRIAGE_STATUSES = (Status.TRIAGE, Status.DECLINED)


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self) -> IncidentQuerySet:
        return self.filter(status__in=CLOSED_STATUSES)


# An incident's key times, in the order they happen, with what people call them.
KEY_TIMES: tuple[tuple[str, str], ...] = (
    ("started_at", "Impact started"),
    ("detected_at", "Detected"),
    ("reported_at", "Reported"),
    ("acknowledged_at", "Acknowledged"),
    ("mitigated_at", "Mitigated"),
    ("resolved_at", "Resolved"),
)
# What must not come before what (reported and acknowledged have no order between them: a page
# may be acknowledged before anyone declares the incident).
KEY_TIME_ORDER: tuple[tuple[str, str], ...] = (
    ("started_at", "detected_at"),
    ("detected_at", "reported_at"),
    ("started_at", "acknowledged_at"),
    ("detected_at", "acknowledged_at"),
    ("started_at", "mitigated_at"),
    ("detected_at", "mitigated_at"),
    ("acknowledged_at", "mitigated_at"),
    ("started_at", "resolved_at"),
    ("mitigated_at", "resolved_at"),
)


class Incident(models.Model):
    title = models.CharField(max_length=TITLE_MAX_LENGTH, help_text="What is happening, briefly.")
    summary = models.TextField(blank=True, default="")
    impact = models.TextField(blank=True, default="")
    severity = models.ForeignKey(
        Severity, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.INVESTIGATING)
    reporter = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
    )
    lead = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_incidents",
    )
    # Its kind (Security, Customer-facing, …), whose custom fields it answers; None when no
    # types are configured, or none was chosen.
    type = models.ForeignKey(
        "core.IncidentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    is_private = models.BooleanField(default=False)
    is_report_only = models.BooleanField(default=False)

    started_at = models.DateTimeField(help_text="When the problem began; often before reporting.")
    # The key times (KEY_TIMES): when it was noticed, when someone took it on, when its impact
    # stopped. Set by the verbs where the product knows them; people correct them.
    detected_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    mitigated_at = models.DateTimeField(null=True, blank=True)
    # The first time each status was reached.
    identified_at = models.DateTimeField(null=True, blank=True)
    monitoring_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # When the responders last told the world how things stand (an update or a status change).
    last_update_at = models.DateTimeField(null=True, blank=True)
    # When the last update promised the next one ("next update in 30 minutes"); unset, the
    # severity's cadence says when it is due.
    next_update_at = models.DateTimeField(null=True, blank=True)

    # Makes declaring idempotent: a Slack view id, an API Idempotency-Key, ...
    dedup_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in Status]),
                name="incident_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="resolved", resolved_at__isnull=False)
                    | ~models.Q(status="resolved")
                ),
                name="incident_resolved_has_resolved_at",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="incident_title_not_empty"),
        ]
        indexes = [
            models.Index(fields=["status", "-reported_at"], name="incident_by_status"),
            # "Most recently reported first", the order of every list: the closed part of the
            # web list is two statuses, which the index above cannot return in one ordered range.
            models.Index(fields=["-reported_at", "-id"], name="incident_recent"),
        ]
        # On PostgreSQL also the GIN indexes of the search (response.core.search), made by
        # migration 0004: they index expressions, which only that database can.

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES or self.status == Status.DECLINED

    def is_open(self) -> bool:
        """Live: investigating, identified or monitoring (a triage incident is not, yet)."""
        return self.status in OPEN_STATUSES

    def is_triage(self) -> bool:
        return self.status == Status.TRIAGE

    def end_time(self) -> datetime | None:
        if self.status in (Status.REPORTED, Status.DECLINED):
            return self.resolved_at or self.reported_at
        return self.resolved_at if self.status == Status.RESOLVED else None

    def duration(self, now: datetime | None = None) -> timedelta:
        """How long the incident ran: until resolution, or until now while open."""
        end = self.end_time() or now or timezone.now()
        return max(end - self.started_at, timedelta(0))

    def severity_text(self) -> str:
        return self.severity.name if self.severity else "Unset"
