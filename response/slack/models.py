"""What the Slack adapter remembers: channels, headline posts, interactions delivered, and small
facts learned from Slack. (Delivered events and Slack calls are jobs: response.engine.)"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CommsChannel(models.Model):
    """The Slack channel where an incident is worked on."""

    incident = models.OneToOneField(
        "core.Incident", on_delete=models.PROTECT, related_name="comms_channel"
    )
    channel_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=80)
    is_private = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # What Response last set in Slack, so an unchanged topic is not set again.
    topic = models.CharField(max_length=250, blank=True, default="")
    bookmark_id = models.CharField(max_length=64, blank=True, default="")
    # Archived some hours after resolution (RESPONSE_ARCHIVE_AFTER_HOURS), unarchived on reopen.
    is_archived = models.BooleanField(default=False)
    # The call link posted, pinned and bookmarked here (`@Response call <url>` or the template).
    call_url = models.URLField(max_length=500, blank=True, default="")
    # The user group handles whose members were invited (by severity or by `invite`): once each.
    invited_groups = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"#{self.name}"

    def post_in_channel(self, text: str, *, blocks: list | None = None) -> None:
        """Queue a message for this channel. Returns at once; the worker delivers it, in order,
        retrying through rate limits and outages."""
        from response.slack.outbound.outbox import post_message

        post_message(self.channel_id, text=text, blocks=blocks)


class HeadlinePost(models.Model):
    """The live summary of an incident in the incidents channel, edited in place."""

    # Action ids of the built-in buttons (kept here for plugins written against the original).
    CREATE_COMMS_CHANNEL_BUTTON = "create-comms-channel-button"
    EDIT_INCIDENT_BUTTON = "edit-incident-button"
    CLOSE_INCIDENT_BUTTON = "close-incident-button"

    incident = models.OneToOneField(
        "core.Incident", on_delete=models.PROTECT, related_name="headline_post"
    )
    channel_id = models.CharField(max_length=32)
    message_ts = models.CharField(max_length=32)
    posted_at = models.DateTimeField(default=timezone.now)
    # The incident was made private: the post says only that now.
    hidden = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Headline of incident #{self.incident_id}"


class InboundDelivery(models.Model):
    """Every command and interaction Slack delivered, under a key unique to the delivery, so that
    a redelivery (a double click, a retried request) is recognised and does nothing the second
    time. (Delivered events are recorded as jobs: response.engine.)"""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "inbound deliveries"

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class SlackCache(models.Model):
    """Small facts learned from Slack and worth keeping: the bot's id, channel ids by name."""

    key = models.CharField(max_length=200, unique=True)
    value = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class Announcement(models.Model):
    """An incident announced in a channel by the announcement rules (RESPONSE_ANNOUNCE): its
    status updates and resolution follow in this post's thread. Once per channel per incident."""

    incident = models.ForeignKey(
        "core.Incident", on_delete=models.PROTECT, related_name="announcements"
    )
    channel_id = models.CharField(max_length=32)
    message_ts = models.CharField(max_length=32)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "channel_id"], name="unique_announcement_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"Incident #{self.incident_id} announced in {self.channel_id}"
