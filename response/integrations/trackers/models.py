from __future__ import annotations

from django.db import models
from django.utils import timezone


class WebhookDelivery(models.Model):
    """A webhook delivery handled: the tracker sends it again when unsure we got it (GitHub's
    `X-GitHub-Delivery`, Jira's `X-Atlassian-Webhook-Identifier`), and we act on it once."""

    source = models.CharField(max_length=16)
    delivery_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "delivery_id"], name="trackers_one_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} delivery {self.delivery_id}"
