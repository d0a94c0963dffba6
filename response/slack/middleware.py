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

from response.slack.inbox import EVENT_INBOX
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


def record(body: dict) -> bool:
    """Record a delivery under its key (an event: queued for the worker too). False when the key
    was seen before: a redelivery, to acknowledge and drop."""
    key = delivery_key(body)
    if key is None:
        return True
    if body.get("type") == "event_callback":
        return record_event(body, key)
    try:
        with transaction.atomic():
            InboundDelivery.objects.create(key=key, kind=body.get("type") or "command")
    except IntegrityError:
        logger.info("Ignoring a redelivery of %s", key)
        return False
    return True


def record_event(body: dict, key: str) -> bool:
    """The hot path of every Events API delivery: the event becomes a job (carrying its unique
    delivery key), committed before the answer; the worker is nudged afterwards."""
    inserted = EVENT_INBOX.record(lane=event_lane(body.get("event") or {}), key=key, body=body)
    if not inserted:
        logger.info("Ignoring a redelivery of %s", key)
    return inserted


def record_delivery(req: BoltRequest, resp: BoltResponse, next):
    """Bolt middleware (Socket Mode, and HTTP commands and interactions)."""
    if req.context.get(REPLAY):
        return next()
    first_time = record(req.body)
    if not first_time or req.body.get("type") == "event_callback":
        return BoltResponse(status=200, body="")
    return next()
