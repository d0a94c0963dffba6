"""Delivering a message: a remote job of the work engine per delivery, in the lane of its
endpoint (`webhook:<endpoint id>`), so an endpoint receives its events in the order they
happened, and one endpoint being down holds up no other.

- 2xx: delivered (recorded with the job's being done).
- No answer, a timeout, 408, 429 (its `Retry-After` kept) or 5xx: `Retry`, with the engine's
  growing backoff, for as long as RESPONSE_WEBHOOKS_GIVE_UP_HOURS; the lane waits, in order.
  A lost answer is delivered again with the same `webhook-id`, which receivers de-duplicate on.
- Any other answer (a 4xx: the receiver refused it; a redirect): tried again after each delay of
  RESPONSE_WEBHOOKS_REJECTED_RETRIES, then the delivery fails and its job is parked.

Every attempt's outcome is written on the delivery row (the endpoint's delivery log in the
admin): a failed attempt right away, outside any transaction (the engine's retry stays its
own), a success with the job's being done.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from response.engine.kinds import Failed, JobContext, Priority, Retry, job_kind
from response.engine.queue import enqueue
from response.integrations.http import Refused, call_json
from response.integrations.webhooks.models import Delivery
from response.integrations.webhooks.signing import signed_headers

EXCERPT_LENGTH = 500


def lane_of(endpoint_id: int) -> str:
    return f"webhook:{endpoint_id}"


def queue_delivery(delivery: Delivery) -> None:
    """Queue the job that delivers `delivery`, in the caller's transaction."""
    enqueue(DeliverWebhook(delivery_id=delivery.pk), lane=lane_of(delivery.endpoint_id))


@job_kind("webhooks.deliver", priority=Priority.BACKGROUND)
@dataclass(frozen=True)
class DeliverWebhook:
    delivery_id: int

    def perform(self, job: JobContext) -> dict:
        delivery = Delivery.objects.select_related("endpoint").filter(pk=self.delivery_id).first()
        if delivery is None:
            return {"skipped": "the delivery was deleted (with its endpoint)"}
        if delivery.state == Delivery.State.DELIVERED:
            # Another job delivered it: its dead job was also retried from the jobs' admin.
            return {"skipped": "already delivered"}
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            return {"failed": "The endpoint was switched off before this could be delivered."}
        # call_json sends json.dumps(payload): the signature is of exactly these bytes.
        body = json.dumps(delivery.payload).encode()
        headers = signed_headers(
            endpoint.signing_secrets(now=timezone.now()),
            message_id=delivery.message_id,
            timestamp=int(time.time()),
            body=body,
        )
        try:
            answer = call_json(
                "POST",
                endpoint.url,
                json=delivery.payload,
                headers={**headers, "User-Agent": "Response-Webhooks"},
                remote=lane_of(endpoint.pk),
                timeout=settings.RESPONSE_WEBHOOKS_TIMEOUT,
            )
        except Retry as error:
            if timezone.now() - delivery.created_at > _give_up_after():
                reason = f"Given up after {_give_up_after()} of trying: {error}"
                _attempt_failed(delivery, error=reason, final=True)
                raise Failed(reason) from error
            _attempt_failed(delivery, error=str(error))
            raise
        except Refused as error:
            return self._refused(delivery, error)
        except ValueError as error:  # urllib's word for a URL it cannot use: it never will
            reason = f"The endpoint's URL cannot be used: {error}"
            _attempt_failed(delivery, error=reason, final=True)
            raise Failed(reason) from error
        except Exception as error:  # not the receiver's answer: the engine retries, then parks
            _attempt_failed(delivery, error=repr(error))
            raise
        if answer.status >= 300:  # only a 2xx says the receiver has it
            return self._refused(
                delivery,
                Refused(lane_of(endpoint.pk), answer.status, "redirected: give the final URL"),
            )
        return {"status": answer.status, "excerpt": _excerpt(answer.body)}

    def _refused(self, delivery: Delivery, error: Refused) -> dict:
        """The receiver answered, and not with a 2xx: try again a few times (it may be being
        fixed), then give up."""
        delays = settings.RESPONSE_WEBHOOKS_REJECTED_RETRIES
        rejections = delivery.rejections + 1
        final = rejections > len(delays)
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1,
            rejections=rejections,
            last_status=error.status,
            last_error=str(error)[:2000],
            response_excerpt=error.detail[:EXCERPT_LENGTH],
            last_attempt_at=timezone.now(),
            **({"state": Delivery.State.FAILED} if final else {}),
        )
        if final:
            raise error  # a Failed: the job is parked, the lane goes on
        raise Retry(str(error), delay=float(delays[rejections - 1]))

    def record(self, job: JobContext, result: dict) -> None:
        now = timezone.now()
        deliveries = Delivery.objects.filter(pk=self.delivery_id)
        if "status" in result:
            deliveries.update(
                state=Delivery.State.DELIVERED,
                delivered_at=now,
                last_attempt_at=now,
                attempts=F("attempts") + 1,
                last_status=result["status"],
                response_excerpt=result["excerpt"],
                last_error="",
            )
        elif "failed" in result:
            deliveries.update(state=Delivery.State.FAILED, last_error=result["failed"])


def _attempt_failed(delivery: Delivery, *, error: str, final: bool = False) -> None:
    """Write a failed attempt on the log now: the job itself is retried by the engine."""
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=F("attempts") + 1,
        last_status=None,
        last_error=error[:2000],
        last_attempt_at=timezone.now(),
        **({"state": Delivery.State.FAILED} if final else {}),
    )


def _give_up_after() -> timedelta:
    return timedelta(hours=settings.RESPONSE_WEBHOOKS_GIVE_UP_HOURS)


def _excerpt(body: Any) -> str:
    if body is None:
        return ""
    text = body if isinstance(body, str) else json.dumps(body)
    return text[:EXCERPT_LENGTH]
