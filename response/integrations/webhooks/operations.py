"""What people do with webhooks from the admin (send a test event, rotate a secret, retry failed
deliveries), and the log's housekeeping."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from response.integrations.webhooks import events, payloads
from response.integrations.webhooks.delivery import queue_delivery
from response.integrations.webhooks.models import Delivery, Endpoint
from response.integrations.webhooks.signing import new_secret

# How long a rotated secret still signs messages beside the new one.
ROTATION_OVERLAP = timedelta(hours=24)


def send_test_event(endpoint: Endpoint, *, by: str) -> Delivery:
    """A `webhook.test` message to this endpoint (whatever its filters), delivered like any
    other: signed, retried, and shown in its delivery log."""
    with transaction.atomic():
        delivery = Delivery.objects.create(
            endpoint=endpoint,
            event_type=events.TEST,
            payload=payloads.envelope(
                events.TEST,
                at=timezone.now(),
                data={"message": f"A test event sent from Response's admin by {by}."},
            ),
        )
        queue_delivery(delivery)
    return delivery


def rotate_secret(endpoint: Endpoint, *, now: datetime | None = None) -> Endpoint:
    """A new secret for the endpoint; the old one goes on signing messages beside it for
    ROTATION_OVERLAP, while the receiver is given the new one."""
    now = now or timezone.now()
    endpoint.previous_secret, endpoint.secret = endpoint.secret, new_secret()
    endpoint.previous_secret_until = now + ROTATION_OVERLAP
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint


def retry_failed(deliveries: Iterable[Delivery]) -> int:
    """Deliver failed deliveries again, with their own `webhook-id` (a receiver that did get
    one after all recognises it). Returns how many were queued."""
    count = 0
    with transaction.atomic():
        for delivery in deliveries:
            retried = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.FAILED).update(
                state=Delivery.State.PENDING, rejections=0
            )
            if retried:
                queue_delivery(delivery)
                count += 1
    return count


def prune_delivered(*, now: datetime | None = None) -> int:
    """Forget what was delivered more than RESPONSE_WEBHOOKS_KEEP_DAYS ago; failed and pending
    deliveries stay until someone deals with them."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RESPONSE_WEBHOOKS_KEEP_DAYS)
    old = Delivery.objects.filter(state=Delivery.State.DELIVERED, delivered_at__lt=cutoff)
    return old.delete()[0]
