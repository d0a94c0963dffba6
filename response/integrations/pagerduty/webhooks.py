"""PagerDuty's v3 webhooks (a Generic Webhook subscription) at /integrations/pagerduty/webhook.

Checked (`X-PagerDuty-Signature`: HMAC-SHA256 of the body with the subscription's secret,
`v1=<hex>`, several comma-separated while a secret is rotated; anything else is a 401), recorded
under PagerDuty's event id (a redelivery is acknowledged and dropped) and answered at once: what
it changes (the page's status, a timeline entry, a message queued for the channel) commits in
one transaction, and Slack is told by the worker.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from response.integrations.pagerduty.jobs import note_status
from response.integrations.pagerduty.models import Page, WebhookDelivery, page_key

# The incident events that say something about a page; the others are acknowledged unread.
STATUS_OF_EVENT = {
    "incident.acknowledged": "acknowledged",
    "incident.resolved": "resolved",
    "incident.reassigned": "reassigned",
}


def signature_is_valid(body: bytes, header: str, secret: str) -> bool:
    """Whether one of the header's `v1=` signatures is the body's HMAC-SHA256 with `secret`."""
    if not secret or not header:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return any(
        hmac.compare_digest(part.strip().removeprefix("v1="), expected)
        for part in header.split(",")
        if part.strip().startswith("v1=")
    )


def event_of(body: bytes) -> dict[str, Any] | None:
    """The webhook's `event` object, or None when the body is not one."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        return None
    return event


@csrf_exempt
@require_POST
def receive_webhook(request: HttpRequest) -> HttpResponse:
    if not signature_is_valid(
        request.body,
        request.headers.get("X-PagerDuty-Signature", ""),
        settings.PAGERDUTY_WEBHOOK_SECRET,
    ):
        return JsonResponse({"error": "bad or missing signature"}, status=401)
    event = event_of(request.body)
    if event is None:
        return JsonResponse({"error": "not a PagerDuty v3 webhook"}, status=400)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(
                    event_id=event["id"][:100], event_type=str(event.get("event_type", ""))[:64]
                )
        except IntegrityError:  # PagerDuty delivered it again: done already
            return JsonResponse({"ok": True, "redelivery": True})
        apply_event(event)
    return JsonResponse({"ok": True})


def apply_event(event: dict[str, Any]) -> None:
    """A change to one of our pages, on its incident's timeline and in its channel."""
    status = STATUS_OF_EVENT.get(str(event.get("event_type")))
    data = event.get("data")
    if status is None or not isinstance(data, dict):
        return
    page = None
    if isinstance(data.get("id"), str) and data["id"]:
        page = (
            Page.objects.select_for_update()
            .select_related("incident")
            .filter(pagerduty_incident_id=data["id"])
            .first()
        )
    if page is None and isinstance(data.get("incident_key"), str):
        page = _page_by_key(data["incident_key"])
    if page is None:
        return  # an incident Response did not page
    agent = event.get("agent")
    by = str(agent.get("summary") or "") if isinstance(agent, dict) else ""
    if status == "reassigned":
        assignees = data.get("assignees")
        names = [
            str(a.get("summary", ""))
            for a in (assignees if isinstance(assignees, list) else [])
            if isinstance(a, dict)
        ]
        by = ", ".join(name for name in names if name) or by
    note_status(page, status, by=by)


def _page_by_key(incident_key: str) -> Page | None:
    """The page whose incident key this is (PagerDuty may tell us of it before its answer to
    our call reached us), or None when the key is not one of ours."""
    page_id = page_key(incident_key)
    if page_id is None:
        return None
    return Page.objects.select_for_update().select_related("incident").filter(pk=page_id).first()
