"""Outgoing webhooks: where to send which events (Endpoint), and every message sent (Delivery).

Imports only Django, the core and the pure signing module, so the web UI or the API may read
these tables if they ever need to.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from response.integrations.webhooks.signing import new_secret


def new_message_id() -> str:
    """The `webhook-id` of a message: unique, and the same on every attempt to deliver it."""
    return f"msg_{uuid.uuid4().hex}"


class Endpoint(models.Model):
    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where the events are POSTed (http or https).",
    )
    description = models.CharField(max_length=200, blank=True, default="")
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Signs every request (Standard Webhooks); give it to the receiver.",
    )
    # After a rotation, messages are signed with the old secret too until then, so the receiver
    # can switch to the new one without refusing anything meanwhile.
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_until = models.DateTimeField(
        null=True, blank=True, verbose_name="the old secret also signs until"
    )
    # Public event types (response.integrations.webhooks.events); empty: every type.
    event_types = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True, help_text="Off: nothing more is sent.")
    include_private = models.BooleanField(
        default=False, help_text="Also send the events of private incidents."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url

    def signing_secrets(self, *, now: datetime) -> list[str]:
        """The secrets a message sent now is signed with: the current one, and the previous one
        while it is still honoured."""
        until = self.previous_secret_until
        if self.previous_secret and until is not None and now < until:
            return [self.secret, self.previous_secret]
        return [self.secret]


class Delivery(models.Model):
    """One message to one endpoint, and how delivering it went (the endpoint's delivery log)."""

    class State(models.TextChoices):
        PENDING = "pending"  # queued, or being retried
        DELIVERED = "delivered"  # the receiver answered 2xx
        FAILED = "failed"  # given up: refused for good, or the endpoint was switched off

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=64)
    message_id = models.CharField(max_length=64, unique=True, default=new_message_id)
    incident = models.ForeignKey(
        "core.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # Answers other than 2xx, 408, 429 and 5xx: retried a few times, then the delivery fails.
    rejections = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The HTTP status of the last answer."
    )
    last_error = models.TextField(blank=True, default="")
    response_excerpt = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "delivered", "failed"]),
                name="webhook_delivery_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="delivered", delivered_at__isnull=False)
                | ~models.Q(state="delivered"),
                name="webhook_delivered_has_time",
            ),
        ]
        indexes = [models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id}"
