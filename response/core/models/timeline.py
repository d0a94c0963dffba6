from __future__ import annotations

from django.db import models
from django.utils import timezone


class TimelineEvent(models.Model):
    """One entry on an incident's timeline. Always read in time order."""

    class Kind(models.TextChoices):
        DECLARED = "declared", "Declared"
        STATUS = "status", "Status change"
        SEVERITY = "severity", "Severity change"
        LEAD = "lead", "Lead change"
        FIELD = "field", "Details changed"
        UPDATE = "update", "Status update"
        MESSAGE = "message", "Message"
        NOTE = "note", "Note"
        ACTION = "action", "Follow-up action"
        ROLE = "role", "Role change"

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.PROTECT, related_name="timeline_events"
    )
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.NOTE)
    text = models.TextField()
    author = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timeline_events",
    )
    # The person an entry of Response's own is about ("Dana is now leading"): its text is
    # written from their name when read, so it follows their name as Slack tells it.
    subject = models.ForeignKey(
        "core.ExternalUser",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Where the entry came from, e.g. "slack:C024BE91L:1764000000.000100" for a pinned message.
    # Unique per incident, so a redelivered pin adds nothing twice.
    source = models.CharField(max_length=200, null=True, blank=True)
    url = models.URLField(max_length=500, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["timestamp", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "source"],
                condition=models.Q(source__isnull=False),
                name="unique_timeline_source",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=[
                        "declared",
                        "status",
                        "severity",
                        "lead",
                        "field",
                        "update",
                        "message",
                        "note",
                        "action",
                        "role",
                    ]
                ),
                name="timeline_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["incident", "timestamp"], name="timeline_by_time")]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.display_text[:60]}"

    @property
    def display_text(self) -> str:
        """What the entry says now (read it with `select_related("subject")`)."""
        if self.kind == self.Kind.LEAD and self.subject is not None:
            return f"{self.subject.name} is now leading the incident"
        named = str(self.metadata.get("named") or "")
        if (
            self.kind == self.Kind.ROLE
            and self.subject is not None
            and named
            and self.text.startswith(named)  # written when Bob was perhaps still "U0BOB"
        ):
            return self.subject.name + self.text.removeprefix(named)
        return self.text


class TimelineImage(models.Model):
    """A copy of the thumbnail of an image on a timeline entry (a screenshot pinned in the
    channel), kept so that the incident page can show it: the chat's own copy needs the bot's
    token to be read, and the page loads only its own images. Small (a 360 px thumbnail), so in
    the database: every process that serves the page reads it, with no shared disk."""

    MAX_BYTES = 256 * 1024

    entry = models.ForeignKey(TimelineEvent, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(help_text="Its place in the entry's images.")
    content_type = models.CharField(max_length=64)
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "position"], name="unique_timeline_image"),
            models.CheckConstraint(
                condition=models.Q(
                    content_type__in=["image/png", "image/jpeg", "image/gif", "image/webp"]
                ),
                name="timeline_image_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Image {self.position} of timeline entry {self.entry_id}"
