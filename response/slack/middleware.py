"""Recognise redeliveries, and move events off the request path.

Every delivery is recorded under a key unique to it (an event's `event_id`; an interaction's
`trigger_id`, or its view and hash). A second delivery with the same key is acknowledged and
dropped. Events API callbacks become jobs (response.slack.inbound.delivered), committed before
the answer; commands and interactions run in the request: they answer the person who typed or
clicked, and only touch the database (their Slack output is queued too), except `views.open`,
which cannot wait.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.utils import timezone
from slack_bolt import BoltRequest, BoltResponse

from response.observability.context import handling_delivery
from response.observability.metrics import SLACK_DELIVERIES
from response.slack.inbound.validation import event_problem
from response.slack.inbox import EVENT_INBOX
from response.slack.models import InboundDelivery

logger = logging.getLogger(__name__)


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


def delivery_type(body: dict) -> str:
    """What a delivery is, for metrics: an event's type ("app_mention"), "command", or the
    interaction's type ("block_actions")."""
    if body.get("type") == "event_callback":
        event = body.get("event")
        return str(event.get("type") or "event") if isinstance(event, dict) else "event"
    if body.get("command"):
        return "command"
    return str(body.get("type") or "unknown")


def event_lane(event: dict) -> str:
    """Events of one channel are handled in order (a pin before its unpin)."""
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    return f"in:{channel or event.get('user') or 'workspace'}"


def record(body: dict) -> bool:
    """Record a delivery under its key (an event: as a job for the worker). False when the key
    was seen before: a redelivery, to acknowledge and drop."""
    key = delivery_key(body)
    if key is None:
        first_time = True
    elif body.get("type") == "event_callback":
        first_time = record_event(body, key)
    else:
        first_time = record_interaction(key, body.get("type") or "command")
        if not first_time:
            logger.info("Ignoring a redelivery of %s", key)
    SLACK_DELIVERIES.labels(delivery_type(body), "recorded" if first_time else "redelivery").inc()
    return first_time


def record_interaction(key: str, kind: str) -> bool:
    """One statement, written out (it is on the path of every command and click): False when
    the key was recorded before."""
    table = connection.ops.quote_name(InboundDelivery._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, kind, received_at) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [key, kind, now],
        )
        return cursor.rowcount == 1


def record_event(body: dict, key: str) -> bool:
    """The hot path of every Events API delivery: the event becomes a job (carrying its unique
    delivery key), committed before the answer; the worker is woken afterwards."""
    inserted = EVENT_INBOX.record(lane=event_lane(body.get("event") or {}), key=key, body=body)
    if not inserted:
        logger.info("Ignoring a redelivery of %s", key)
    return inserted


def record_delivery(req: BoltRequest, resp: BoltResponse, next):
    """Bolt middleware (Socket Mode, and HTTP commands and interactions; HTTP events are
    recorded by the view before Bolt, response.slack.http)."""
    if req.body.get("type") == "event_callback":
        event = req.body.get("event")
        problem = event_problem(event) if isinstance(event, dict) else "no event"
        if problem or not isinstance(req.body.get("event_id"), str):
            logger.warning("Dropping an event Slack would not send: %s", problem or "no event_id")
            SLACK_DELIVERIES.labels(delivery_type(req.body), "refused").inc()
            return BoltResponse(status=200, body="")
    with handling_delivery(delivery_key(req.body)):
        first_time = record(req.body)
        if not first_time or req.body.get("type") == "event_callback":
            return BoltResponse(status=200, body="")
        return next()
