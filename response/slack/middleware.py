"""Bolt middleware: recognise redeliveries, and move events off the request path.

Every delivery is recorded under a key unique to it (an event's `event_id`; an interaction's
`trigger_id`, or its view and hash). A second delivery with the same key is acknowledged and
dropped. Events API callbacks are stored and queued for the worker, then acknowledged at once;
the worker replays them through the same Bolt app (see `process_event`). Commands and
interactions run in the request: they answer the person who typed or clicked, and only touch the
database (their Slack output is queued too), except `views.open`, which cannot wait.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from slack_bolt import BoltRequest, BoltResponse

from response.slack.jobs import enqueue
from response.slack.models import InboundDelivery

logger = logging.getLogger(__name__)

# Set in the context of a replayed event, so the middleware lets it through to the listeners.
REPLAY = "response_replay"


def delivery_key(body: dict) -> str | None:
    kind = body.get("type")
    if kind == "event_callback":
        return f"event:{body.get('event_id')}" if body.get("event_id") else None
    if body.get("command"):
        return f"command:{body.get('trigger_id')}" if body.get("trigger_id") else None
    if kind == "view_closed":
        view = body.get("view") or {}
        return f"view_closed:{view.get('id')}:{view.get('hash')}"
    interactive = {"block_actions", "view_submission", "shortcut", "message_action"}
    if kind in interactive and body.get("trigger_id"):
        return f"{kind}:{body['trigger_id']}"
    return None


def event_lane(event: dict) -> str:
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    return f"in:{channel or event.get('user') or 'workspace'}"


def record_delivery(req: BoltRequest, resp: BoltResponse, next):
    if req.context.get(REPLAY):
        return next()
    body = req.body
    key = delivery_key(body)
    if key is None:
        return next()
    is_event = body.get("type") == "event_callback"
    try:
        with transaction.atomic():
            delivery = InboundDelivery.objects.create(
                key=key,
                kind=(body.get("event") or {}).get("type", "event")
                if is_event
                else body.get("type") or "command",
                payload=body if is_event else {},
            )
            if is_event:
                enqueue(
                    event_lane(body.get("event") or {}), "slack_event", {"delivery_id": delivery.pk}
                )
    except IntegrityError:
        logger.info("Ignoring a redelivery of %s", key)
        return BoltResponse(status=200, body="")
    if is_event:
        return BoltResponse(status=200, body="")
    return next()
