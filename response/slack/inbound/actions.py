"""Buttons and menus: the context an @action_handler gets, and the Bolt listener around it."""

from __future__ import annotations

import logging

from django.db import transaction

from response.core.errors import ResponseError
from response.slack.decorators import ActionContext
from response.slack.inbound.context import APOLOGY, incident_for_action, refusal, tell

logger = logging.getLogger(__name__)


def chosen_value(action: dict) -> str | None:
    if "value" in action:
        return action["value"]
    if action.get("selected_option"):
        return action["selected_option"].get("value")
    return action.get("selected_user") or action.get("selected_date") or action.get("selected_time")


def action_context(body: dict, action: dict) -> ActionContext:
    container = body.get("container") or {}
    channel_id = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message_ts = (body.get("message") or {}).get("ts") or container.get("message_ts")
    value = chosen_value(action)
    return ActionContext(
        incident=incident_for_action(channel_id=channel_id, message_ts=message_ts, value=value),
        user_id=body["user"]["id"],
        action_id=action["action_id"],
        value=value,
        trigger_id=body.get("trigger_id"),
        channel_id=channel_id,
        message_ts=message_ts,
        response_url=body.get("response_url"),
        payload=body,
    )


def listener(handler):
    """The Bolt listener for one action id: build the context, call the handler, answer."""

    def run_action_handler(ack, body, action):
        ack()
        context = action_context(body, action)
        try:
            with transaction.atomic():
                handler(context)
        except ResponseError as error:
            tell(context.user_id, refusal(error), channel_id=context.channel_id)
        except Exception:
            logger.exception(
                "Action handler %s failed (incident %s)",
                context.action_id,
                context.incident.pk if context.incident else None,
            )
            tell(context.user_id, APOLOGY, channel_id=context.channel_id)

    return run_action_handler
